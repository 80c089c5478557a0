// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Pure libraries: no framework, no database, no sockets or serial ports, no clock. */
const pureLibs = [
  'libs/api/**/*.ts',
  'libs/domain/**/*.ts',
  'libs/schedule/**/*.ts',
  'libs/sync/**/*.ts',
  'libs/fieldbus/src/codec/**/*.ts',
  'libs/fieldbus/src/plan/**/*.ts',
];

/** The apps; none imports another (they share code through libs/ only). */
const apps = ['central', 'console', 'gateway', 'simulator'];

/**
 * Folder direction inside each app: a folder never imports these folders of its app. Each list is the folders that
 * import it (directly or through others) and that it does not import today, so a new import there would close a
 * cycle between folders. A new folder starts unconstrained: add it here once its place is clear.
 */
const folderDirection = {
  gateway: {
    access: ['alarms', 'control', 'points', 'schedule', 'store'],
    alarms: ['access', 'schedule'],
    control: ['alarms'],
    field: ['access', 'alarms', 'control', 'points', 'schedule', 'store', 'sync'],
    points: ['access', 'alarms', 'schedule', 'sync'],
    schedule: ['access', 'alarms', 'points', 'store', 'sync'],
    store: ['access', 'alarms', 'control', 'schedule', 'sync'],
  },
  central: {
    auth: [
      'bells',
      'commands',
      'desired',
      'field',
      'fleet',
      'gateways',
      'history',
      'reports',
      'schedules',
      'sync',
      'templates',
    ],
    commands: ['bells', 'desired', 'docs', 'field', 'fleet', 'history', 'reports', 'schedules', 'templates', 'tenants'],
    desired: ['bells', 'commands', 'field', 'fleet', 'history', 'reports', 'schedules', 'templates'],
    docs: [
      'bells',
      'commands',
      'desired',
      'field',
      'fleet',
      'gateways',
      'history',
      'reports',
      'schedules',
      'sync',
      'templates',
      'tenants',
    ],
    field: ['bells', 'commands', 'desired', 'fleet', 'history', 'reports', 'schedules', 'sync', 'templates'],
    fleet: ['templates'],
    gateways: ['bells', 'fleet', 'history', 'schedules', 'templates'],
    reports: ['bells', 'commands', 'desired', 'docs', 'field', 'fleet', 'history', 'schedules', 'sync', 'templates'],
    store: [
      'auth',
      'bells',
      'commands',
      'desired',
      'docs',
      'field',
      'fleet',
      'gateways',
      'history',
      'reports',
      'schedules',
      'sync',
      'templates',
      'tenants',
    ],
    sync: ['bells', 'docs', 'field', 'fleet', 'reports', 'schedules', 'templates', 'tenants'],
    tenants: ['bells', 'commands', 'desired', 'field', 'fleet', 'history', 'schedules', 'sync', 'templates'],
  },
  simulator: {
    devices: ['control'],
    modbus: ['control'],
  },
};

/** `no-restricted-imports` patterns: the other apps, and the folders `forbidden` (siblings of the importing file's). */
function appImportPatterns(app, forbidden = []) {
  const others = apps
    .filter((other) => other !== app)
    .map((other) => ({
      group: [`**/apps/${other}/**`, `**/${other}/src/**`],
      message: `Apps never import each other: ${app} shares code with ${other} through libs/ only.`,
    }));
  const folders = forbidden.map((folder) => ({
    group: [`../${folder}`, `../${folder}/**`],
    message: `Folder direction (DEVELOPERS.md): ${folder}/ depends on this folder; importing it would close a cycle.`,
  }));
  return { 'no-restricted-imports': ['error', { patterns: [...others, ...folders] }] };
}

/** One config object per app, then one per constrained folder (the later object's rule replaces the earlier one). */
const layoutRules = apps.flatMap((app) => [
  { files: [`apps/${app}/**/*.ts`], rules: appImportPatterns(app) },
  ...Object.entries(folderDirection[app] ?? {}).map(([folder, forbidden]) => ({
    files: [`apps/${app}/src/${folder}/**/*.ts`],
    rules: appImportPatterns(app, forbidden),
  })),
]);

export default tseslint.config(
  { ignores: ['dist/**', 'dist.*/**', 'coverage/**', 'node_modules/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['eslint.config.mjs', 'jest.config.js', 'test/support/*.js', 'bin/*.js', 'tools/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Nest types its option bags as classes; object literals are how its API is meant to be called.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      'no-console': 'error',
      eqeqeq: 'error',
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Specs break valid documents one field at a time.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['jest.config.js', 'test/support/*.js', 'bin/*.js', 'tools/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tools/**/*.ts', 'test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...layoutRules,
  {
    files: pureLibs,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'Pure libraries do not depend on NestJS.' },
            { group: ['typeorm', 'better-sqlite3', '@nestjs/typeorm'], message: 'Pure libraries do no storage.' },
            {
              group: ['net', 'node:net', 'dgram', 'node:dgram', 'http', 'node:http', 'https', 'node:https'],
              message: 'Pure libraries open no sockets.',
            },
            {
              group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'child_process', 'node:child_process'],
              message: 'Pure libraries do no I/O: the caller reads files and passes their text.',
            },
            {
              group: ['serialport', '@serialport/*', 'modbus-serial', 'node-opcua*'],
              message: 'Pure libraries speak no protocol.',
            },
            {
              group: ['@beffroi/fieldbus', '@beffroi/fieldbus/*', '**/apps/**'],
              message: 'Pure libraries import only pure libraries.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Pure libraries never read the clock: take `now` as a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Pure libraries never read the clock: take `now` as a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']",
          message: 'Pure libraries never read the clock: take `now` as a parameter.',
        },
        {
          selector: 'CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]',
          message: 'Pure libraries arm no timers.',
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Pure libraries do not read the environment.' }],
    },
  },
);
