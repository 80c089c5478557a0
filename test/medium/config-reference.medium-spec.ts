import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configReference, REFERENCE_FILE } from '../../tools/config-reference';

const ROOT = resolve(__dirname, '..', '..');

describe('docs/configuration-reference.md', () => {
  it('is what `npm run docs:config` writes from the config schemas (run it after changing a schema)', () => {
    const committed = readFileSync(join(ROOT, REFERENCE_FILE), 'utf8');
    expect(committed).toBe(configReference());
  });

  it('lists nested keys, list elements and defaults of both configs', () => {
    const text = configReference();
    expect(text).toMatch(/^- `gateway\.id`: string, required/m);
    expect(text).toMatch(/^- `buses\[\]\.equipment\[\]\.unit`: /m);
    expect(text).toMatch(/^- `storage\.path`: /m);
    expect(text).toContain('## Central (`config/central.yaml`)');
  });
});
