#!/usr/bin/env node
// The `beffroi` command (package.json "bin"): runs the compiled CLI; `npm ci` builds it (the "prepare" script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'apps', 'gateway', 'src', 'cli', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write('beffroi: not built yet, run `npm run build` first\n');
  process.exit(2);
}
require(cli);
