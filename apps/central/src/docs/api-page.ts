import type { HttpMethod, JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiResponse } from './openapi.document';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1d2330; }
h2 { border-bottom: 2px solid #d8dde8; margin-top: 2.5rem; }
section { border: 1px solid #d8dde8; border-radius: 6px; margin: 1rem 0; padding: 0 1rem 0.5rem; }
h3 { font-size: 1rem; } code, pre { font: 13px/1.4 ui-monospace, monospace; }
pre { background: #f4f6fa; padding: 0.5rem; overflow-x: auto; max-height: 24rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #d8dde8; padding: 0.2rem 0.5rem; text-align: left; }
.method { color: #fff; border-radius: 4px; padding: 0.1rem 0.4rem; text-transform: uppercase; }
.get { background: #2f6fb5; } .post { background: #2e8b57; } .put { background: #b5762f; }
.delete { background: #b53a2f; } .patch, .head, .options { background: #6b5bb5; }
.access { font-weight: normal; color: #5a6375; margin-left: 0.5rem; }
`;

/**
 * The document as one self-contained HTML page (no script, nothing fetched): per tag, each route with its access,
 * parameters, request body schema and answers.
 */
export function renderApiPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method: method as HttpMethod, operation })),
  );
  const sections = document.tags.map((tag) => {
    const routes = operations.filter(({ operation }) => operation.tags.includes(tag.name));
    return (
      `<h2 id="tag-${escape(tag.name)}">${escape(tag.name)}</h2><p>${text(tag.description)}</p>` +
      routes.map((route) => renderOperation(document, route.method, route.path, route.operation)).join('')
    );
  });
  const toc = document.tags.map((tag) => `<a href="#tag-${escape(tag.name)}">${escape(tag.name)}</a>`).join(' · ');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)} API</title>` +
    `<style>${STYLE}</style></head><body><h1>${escape(document.info.title)} API</h1>` +
    `<p>${text(document.info.description)}</p>` +
    `<p>OpenAPI ${escape(document.openapi)} document: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></p>` +
    `<nav>${toc}</nav>${sections.join('')}</body></html>`
  );
}

function renderOperation(document: OpenApiDocument, method: HttpMethod, path: string, operation: OpenApiOperation) {
  const access =
    operation.security === undefined
      ? 'session'
      : operation.security.length === 0
        ? 'public'
        : 'session (header or ?access_token=)';
  const parameters =
    operation.parameters.length === 0
      ? ''
      : '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>about</th></tr>' +
        operation.parameters
          .map(
            (p) =>
              `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td>` +
              `<td><code>${escape(JSON.stringify(p.schema))}</code></td><td>${text(p.description ?? '')}</td></tr>`,
          )
          .join('') +
        '</table>';
  const bodyRef = operation.requestBody?.content['application/json'].schema.$ref;
  const body =
    bodyRef === undefined
      ? ''
      : `<h4>Request body (JSON)</h4><pre>${escape(JSON.stringify(resolve(document, bodyRef), null, 2))}</pre>`;
  const responses = Object.entries(operation.responses)
    .map(([status, response]) => {
      const { description } = '$ref' in response ? (resolve(document, response.$ref) as OpenApiResponse) : response;
      return `<li><b>${status}</b> ${text(description)}</li>`;
    })
    .join('');
  return (
    `<section id="op-${escape(operation.operationId)}"><h3><span class="method ${method}">${method}</span> ` +
    `<code>${escape(path)}</code><span class="access">${access}</span></h3><p>${text(operation.summary)}</p>` +
    (operation.description === undefined ? '' : `<p>${text(operation.description)}</p>`) +
    `${parameters}${body}<h4>Responses</h4><ul>${responses}</ul></section>`
  );
}

/** The component a local `#/components/...` reference points to. */
function resolve(document: OpenApiDocument, ref: string): JsonSchema | OpenApiResponse {
  const [, , section, name = ''] = ref.split('/');
  const found = section === 'schemas' ? document.components.schemas[name] : document.components.responses[name];
  if (found === undefined) throw new Error(`the document has no ${ref}`);
  return found;
}

function escape(raw: string): string {
  return raw.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A description: escaped, its `code spans` (the only Markdown the descriptions use) set as code. */
function text(markdown: string): string {
  return escape(markdown).replace(/`([^`]+)`/g, '<code>$1</code>');
}
