import { Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { renderApiPage } from './api-page';
import { type OpenApiDocument, openApiDocument } from './openapi.document';

/** Central's OpenAPI document and its page, built once at start from the controllers Nest registered. */
@Injectable()
export class ApiDocs {
  readonly document: OpenApiDocument;
  readonly page: string;

  constructor(discovery: DiscoveryService) {
    const controllers = discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((metatype): metatype is Type => typeof metatype === 'function');
    this.document = openApiDocument(controllers);
    this.page = renderApiPage(this.document);
  }
}
