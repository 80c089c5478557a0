/** Three projects: fast unit specs next to the code, medium tests with real sockets/ptys/SQLite, e2e of whole processes. */
/** Transpile only (types are checked by `npm run lint`), so tests start fast. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }];

/**
 * NestJS 12 ships ES modules only. Node ≥ 20.19 requires them natively, but Jest's module loader cannot on Node 20,
 * so these packages are compiled to CommonJS like our own sources.
 */
const ESM_ONLY = ['@nestjs', 'hexy'];

const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': tsJest,
    '^.+\\.js$': '<rootDir>/test/support/esm-package.transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: {
    '^@beffroi/(api|domain|fieldbus|runtime|schedule|sync)$': '<rootDir>/libs/$1/src',
    '^@beffroi/(api|domain|fieldbus|runtime|schedule|sync)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  rootDir: __dirname,
  /** The builds next to `dist` (tools/build.js) hold compiled copies of the sources. */
  modulePathIgnorePatterns: ['<rootDir>/dist\\.'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
