import { createContext, runInContext } from 'node:vm';
import { ENTRY_GLOBAL, inlineEntry } from './inline-entry';

const HTML = [
  '<!doctype html><html><head><title>Beffroi</title><script>prefetch()</script>',
  '<script type="module" crossorigin src="/assets/index-abc.js"></script>',
  '<link rel="stylesheet" crossorigin href="/assets/index-def.css">',
  '</head><body><div id="app"></div></body></html>',
].join('\n');

const ENTRY = {
  fileName: 'assets/index-abc.js',
  code: 'var t=1;function n(){return import(`./Page-123.js`)}const u="./not-an-import";export{t as a,n as b,u};',
  imports: ['assets/Page-123.js'],
};

/** The inline module's text, as the browser reads it. */
function inlineModule(html: string): string {
  const match = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error('no inline module in the page');
  return match[1] ?? '';
}

/** Runs a script in a fresh global of its own and returns what it left at {@link ENTRY_GLOBAL}. */
function run(code: string, global: Record<string, unknown> = {}): unknown {
  const context = createContext(global);
  runInContext(code, context);
  return context[ENTRY_GLOBAL];
}

describe("the console's entry script inlined into index.html", () => {
  it('puts the script and its stylesheet into the page, with absolute imports and its exports published', () => {
    const { html } = inlineEntry(HTML, ENTRY, [{ fileName: 'assets/index-def.css', source: 'body{margin:0}' }]);
    expect(html).not.toContain('src="/assets/index-abc.js"');
    expect(html).not.toContain('index-def.css');
    expect(html).toContain('<style>body{margin:0}</style>');
    expect(html).toContain('<script>prefetch()</script>');
    const code = inlineModule(html);
    expect(code).toContain('import("/assets/Page-123.js")');
    expect(code).not.toContain('export');
    const published = run(code) as Record<string, unknown>;
    expect({ ...published, b: typeof published.b }).toEqual({ a: 1, b: 'function', u: './not-an-import' });
  });

  it('writes a bridge that re-exports what the inline script published, and refuses to run without it', () => {
    const { bridge } = inlineEntry(HTML, ENTRY, []);
    expect(bridge).toContain(`export const{a,b,u}=globalThis[${JSON.stringify(ENTRY_GLOBAL)}];`);
    const check = bridge.slice(0, bridge.indexOf('export'));
    expect(() => run(check)).toThrow("console: assets/index-abc.js is the page's inline script, not a file to load");
    expect(() => run(check, { [ENTRY_GLOBAL]: {} })).not.toThrow();
  });

  it('keeps the HTML parser inside the script: "</script" and "<!--" in its strings are written \\x3C', () => {
    const entry = { ...ENTRY, code: 'const s=`<!---->`+"</script>";export{s};' };
    const code = inlineModule(inlineEntry(HTML, entry, []).html);
    expect(code).not.toMatch(/<!--|<\/script/i);
    expect({ ...(run(code) as object) }).toEqual({ s: '<!----></script>' });
  });

  it('refuses a build it cannot inline, saying what is wrong', () => {
    expect(() => inlineEntry(HTML.replace('index-abc.js', 'main.js'), ENTRY, [])).toThrow(
      'console: index.html has no <script src="/assets/index-abc.js"> to inline',
    );
    expect(() => inlineEntry(HTML, { ...ENTRY, code: 'import(`../elsewhere.js`)' }, [])).toThrow(
      'console: assets/index-abc.js still imports ../elsewhere.js relatively once inlined',
    );
    expect(() => inlineEntry(HTML, ENTRY, [{ fileName: 'assets/other.css', source: '' }])).toThrow(
      'console: index.html has no <link href="/assets/other.css"> to inline',
    );
  });
});
