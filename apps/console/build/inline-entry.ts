/**
 * Where the inlined entry leaves its exports for the chunks loaded later: the page chunks import the entry's shared
 * code (Svelte's runtime, the catalogue, the client) from `assets/index-….js`, which the build turns into a bridge
 * reading this global, so they share the one instance the page runs instead of loading a second copy.
 */
export const ENTRY_GLOBAL = 'beffroi.entry';

/** The entry chunk as the bundler wrote it. */
export interface EntryChunk {
  /** `assets/index-<hash>.js`. */
  readonly fileName: string;
  readonly code: string;
  /** The chunks it imports, statically or with `import()` (their file names, `assets/…`). */
  readonly imports: readonly string[];
}

/** A stylesheet the page links to, to put into the page itself. */
export interface Stylesheet {
  readonly fileName: string;
  readonly source: string;
}

export interface InlinedEntry {
  /** index.html with the entry script and its stylesheets in it. */
  readonly html: string;
  /** What `assets/index-<hash>.js` becomes: the entry's exports, read from {@link ENTRY_GLOBAL}. */
  readonly bridge: string;
}

/** `<!--`, `<script` and `</script` would end or confuse an inline script; `\x3C` is `<` in a string or a regex. */
const HTML_IN_SCRIPT = /<(?=!--|\/?script)/gi;

/** `</style` would end an inline stylesheet. */
const END_OF_STYLE = /<\/style/i;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The entry's specifiers of other chunks (`"./Page-<hash>.js"`) made absolute (`"/assets/Page-<hash>.js"`): an inline
 * module resolves relative imports against the page's address (`/communes/02691/…`), not against `/assets/`.
 */
function absoluteImports(entry: EntryChunk): string {
  const directory = entry.fileName.slice(0, entry.fileName.lastIndexOf('/') + 1);
  let code = entry.code;
  for (const imported of entry.imports) {
    if (!imported.startsWith(directory))
      throw new Error(`console: ${entry.fileName} imports ${imported}, outside ${directory}`);
    const relative = `./${imported.slice(directory.length)}`;
    code = code.replace(new RegExp(`(["'\`])${escapeRegExp(relative)}\\1`, 'g'), `"/${imported}"`);
  }
  const left = /(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s*)(["'`])(\.\.?\/[^"'`]*)\1/.exec(code);
  if (left !== null)
    throw new Error(`console: ${entry.fileName} still imports ${left[2] ?? ''} relatively once inlined`);
  return code;
}

/** The entry's closing `export{local as exported,…}`, as pairs. */
function exportsOf(entry: EntryChunk, code: string): { readonly clause: string; readonly names: [string, string][] } {
  const match = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(code);
  if (match === null) return { clause: '', names: [] };
  const names = (match[1] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const [local = '', exported = local] = part.split(/\s+as\s+/);
      if (!/^[\w$]+$/.test(local) || !/^[\w$]+$/.test(exported)) {
        throw new Error(`console: ${entry.fileName} exports "${part}", which the bridge cannot re-export`);
      }
      return [local, exported];
    });
  return { clause: match[0], names };
}

/**
 * Puts the entry script and its stylesheets into index.html, so the first screen needs no request after the page's
 * own: the script becomes an inline `<script type="module">` (the server allows it by the sha256 of its text), its
 * imports of other chunks absolute, its exports left on {@link ENTRY_GLOBAL} for the chunks loaded later, which import
 * them from the {@link InlinedEntry.bridge} written in place of the entry's file.
 */
export function inlineEntry(html: string, entry: EntryChunk, stylesheets: readonly Stylesheet[]): InlinedEntry {
  const code = absoluteImports(entry);
  const { clause, names } = exportsOf(entry, code);
  const key = JSON.stringify(ENTRY_GLOBAL);
  const published =
    names.length === 0
      ? code
      : `${code.slice(0, code.length - clause.length)}globalThis[${key}]=Object.freeze({${names
          .map(([local, exported]) => `${exported}:${local}`)
          .join(',')}});`;
  const tag = new RegExp(`<script\\b[^>]*\\ssrc="/${escapeRegExp(entry.fileName)}"[^>]*></script>`);
  if (!tag.test(html)) throw new Error(`console: index.html has no <script src="/${entry.fileName}"> to inline`);
  let page = html.replace(tag, () => `<script type="module">${published.replace(HTML_IN_SCRIPT, '\\x3C')}</script>`);
  for (const sheet of stylesheets) {
    const link = new RegExp(`<link\\b[^>]*\\shref="/${escapeRegExp(sheet.fileName)}"[^>]*>`);
    if (!link.test(page)) throw new Error(`console: index.html has no <link href="/${sheet.fileName}"> to inline`);
    if (END_OF_STYLE.test(sheet.source)) throw new Error(`console: ${sheet.fileName} contains "</style"`);
    page = page.replace(link, () => `<style>${sheet.source}</style>`);
  }
  const bridge =
    `if(globalThis[${key}]===void 0)throw Error("console: ${entry.fileName} is the page's inline script, not a file to load");` +
    `export const{${names.map(([, exported]) => exported).join(',')}}=globalThis[${key}];`;
  return { html: page, bridge };
}
