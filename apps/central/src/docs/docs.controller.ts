import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth.guard';
import { ApiDoc } from './api-doc.decorator';
import { ApiDocs } from './api-docs.service';

@Controller('api/docs')
export class DocsController {
  constructor(private readonly docs: ApiDocs) {}

  @Public()
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiDoc({ tag: 'docs', summary: 'This documentation as a web page', returns: 'An HTML page.', produces: 'text/html' })
  page(): string {
    return this.docs.page;
  }

  @Public()
  @Get('openapi.json')
  @ApiDoc({ tag: 'docs', summary: 'The OpenAPI 3.1 document of the REST API', returns: 'The document.' })
  document() {
    return this.docs.document;
  }
}
