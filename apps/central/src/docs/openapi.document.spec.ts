import { Body, Controller, Delete, Get, HttpCode, Post, Sse } from '@nestjs/common';
import { z } from 'zod';
import { Public } from '../auth/auth.guard';
import { ApiDoc } from './api-doc.decorator';
import { renderApiPage } from './api-page';
import { openApiDocument } from './openapi.document';

const noteBody = z.strictObject({ text: z.string().min(1), pinned: z.boolean().default(false) });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) });

@Controller('api/notes')
class NotesController {
  @Public()
  @Get()
  @ApiDoc({ tag: 'audit', summary: 'Notes <all>', query: listQuery, returns: 'The notes.' })
  list() {
    return [];
  }

  @Post(':noteId/copies')
  @ApiDoc({
    tag: 'audit',
    summary: 'Copy a note',
    params: { noteId: { description: 'The note.', schema: z.coerce.number().int().min(1) } },
    body: noteBody,
    returns: 'The copy.',
    errors: ['notFound'],
  })
  copy(@Body() body: unknown) {
    return body;
  }

  @Delete(':noteId')
  @HttpCode(204)
  @ApiDoc({ tag: 'audit', summary: 'Delete a note', returns: 'Nothing.' })
  remove() {
    return undefined;
  }

  @Sse('live')
  @ApiDoc({ tag: 'events', summary: 'Live notes', returns: 'A stream.', tokenInQuery: true })
  live() {
    return undefined;
  }

  @Get('undocumented')
  undocumented() {
    return undefined;
  }
}

describe('openApiDocument', () => {
  const document = openApiDocument([NotesController]);
  const notes = document.paths['/api/notes'];
  const copies = document.paths['/api/notes/{noteId}/copies'];

  it("reads each documented route's method, path, status and access from the route itself", () => {
    expect(Object.keys(document.paths)).toEqual([
      '/api/notes',
      '/api/notes/{noteId}/copies',
      '/api/notes/{noteId}',
      '/api/notes/live',
    ]);
    expect(notes?.get?.security).toEqual([]);
    expect(Object.keys(notes?.get?.responses ?? {})).toEqual(['200', '400']);
    expect(copies?.post?.security).toBeUndefined();
    expect(copies?.post?.responses).toEqual({
      '201': { description: 'The copy.', content: { 'application/json': {} } },
      '400': { $ref: '#/components/responses/InvalidRequest' },
      '401': { $ref: '#/components/responses/Unauthenticated' },
      '404': { $ref: '#/components/responses/NotFound' },
    });
    expect(document.paths['/api/notes/{noteId}']?.delete?.responses['204']).toEqual({ description: 'Nothing.' });
    expect(document.paths['/api/notes/live']?.get).toMatchObject({
      security: [{ session: [] }, { sessionInQuery: [] }],
      responses: { '200': { content: { 'text/event-stream': {} } } },
    });
  });

  it('describes parameters and bodies with the JSON Schema of what the zod schemas accept', () => {
    expect(notes?.get?.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      },
    ]);
    expect(copies?.post?.parameters).toEqual([
      {
        name: 'noteId',
        in: 'path',
        required: true,
        description: 'The note.',
        schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      },
    ]);
    expect(document.paths['/api/notes/{noteId}']?.delete?.parameters).toEqual([
      { name: 'noteId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(copies?.post?.requestBody?.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CopyBody',
    });
    expect(document.components.schemas.CopyBody).toEqual({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1 }, pinned: { type: 'boolean', default: false } },
      required: ['text'],
      additionalProperties: false,
    });
  });

  it('refuses two documented routes of the same name', () => {
    @Controller('other')
    class OtherController {
      @Get()
      @ApiDoc({ tag: 'audit', summary: 'Other list', returns: 'Other things.' })
      list() {
        return [];
      }
    }
    expect(() => openApiDocument([NotesController, OtherController])).toThrow(
      'two documented routes are named list: an OpenAPI operationId must be unique',
    );
  });

  it('renders a page that escapes what it shows', () => {
    const page = renderApiPage(document);
    expect(page).toContain('<p>Notes &#60;all&#62;</p>');
    expect(page).toContain('<code>/api/notes/{noteId}/copies</code>');
    expect(page).not.toContain('<all>');
  });
});
