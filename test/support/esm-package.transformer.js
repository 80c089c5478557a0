// Compiles an ESM-only package of node_modules to CommonJS for Jest's module loader (see jest.config.js).
// `import.meta` has no CommonJS equivalent in TypeScript's output, so it is rewritten first.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  allowJs: true,
};

module.exports = {
  process(source, filename) {
    const code = source
      .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    return { code: ts.transpileModule(code, { compilerOptions: COMPILER_OPTIONS, fileName: filename }).outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update('esm-package-v1').update(filename).update(source).digest('hex');
  },
};
