/** Three projects: fast unit specs next to the code, medium tests with real sockets/ptys/SQLite, e2e of whole processes. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/**
 * NestJS 12 ships ES modules only. Node ≥ 20.19 requires them natively, but Jest's module loader cannot on Node 20,
 * so these packages are compiled to CommonJS by swc like our own sources.
 */
const ESM_ONLY = ['@nestjs', 'hexy'];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: {
    '^@beffroi/(domain|fieldbus|runtime|schedule)$': '<rootDir>/libs/$1/src',
    '^@beffroi/(domain|fieldbus|runtime|schedule)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  rootDir: __dirname,
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'], testTimeout: 60000 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], testTimeout: 180000 },
  ],
};
