import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSecretFile } from './secret-file';

describe('writeSecretFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'beffroi-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the text readable by its owner only, creating the folder, leaving no temporary file', () => {
    const path = join(dir, 'var', 'credential');
    writeSecretFile(path, 'secret\n');
    expect(readFileSync(path, 'utf8')).toBe('secret\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'var'))).toEqual(['credential']);
  });

  it('replaces a file that exists, with mode 0600 whatever the old one had', () => {
    const path = join(dir, 'credential');
    writeFileSync(path, 'old', { mode: 0o644 });
    writeSecretFile(path, 'new');
    expect([readFileSync(path, 'utf8'), statSync(path).mode & 0o777]).toEqual(['new', 0o600]);
  });
});
