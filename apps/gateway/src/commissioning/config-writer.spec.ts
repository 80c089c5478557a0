import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigDocument } from './config-document';
import { CONFIG_HISTORY_DIR, ConfigFileWriter } from './config-writer';

const ORIGINAL = `# La passerelle de la mairie
gateway: { id: gw-test }
buses:
  - id: street # l'armoire
    protocol: modbus-tcp
    host: 127.0.0.1
    equipment:
      - { id: cabinet, profile: beffroi-sim-cabinet, unit: 1 }
`;

const change = { at: '2026-12-03T20:00:00.000Z', action: 'bind' as const, equipment: 'bells', by: 'tech@useda' };
const accept = () => undefined;

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'beffroi-config-writer-'));
  path = join(dir, 'gateway.yaml');
  writeFileSync(path, ORIGINAL, { mode: 0o600 });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ConfigFileWriter', () => {
  it('replaces the file and keeps the old one as a dated backup, with the change in the journal', () => {
    const writer = new ConfigFileWriter(path);
    const backup = writer.write('gateway: { id: gw-new }\n', new Date('2026-12-03T20:00:00.000Z'), accept, change);
    expect(backup).toBe('gateway.2026-12-03T20-00-00.000Z.yaml');
    expect(readFileSync(path, 'utf8')).toBe('gateway: { id: gw-new }\n');
    expect(readFileSync(join(dir, CONFIG_HISTORY_DIR, backup), 'utf8')).toBe(ORIGINAL);
    expect(writer.history()).toEqual([{ file: backup, bytes: ORIGINAL.length, change: { ...change, backup } }]);
  });

  it('a failure at the rename leaves the old file whole, and neither a temporary file nor a backup behind', () => {
    const writer = new ConfigFileWriter(path, 20, {
      rename: () => {
        throw new Error('EROFS: read-only file system, rename');
      },
    });
    expect(() => writer.write('gateway: { id: gw-new }\n', new Date(), accept, change)).toThrow('EROFS');
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
    expect(readdirSync(dir).sort()).toEqual([CONFIG_HISTORY_DIR, 'gateway.yaml']);
    expect(readdirSync(join(dir, CONFIG_HISTORY_DIR))).toEqual([]);
    expect(writer.history()).toEqual([]);
  });

  it('a text the check refuses (checked as written to disk) changes nothing', () => {
    const writer = new ConfigFileWriter(path);
    const seen: string[] = [];
    const refuse = (written: string) => {
      seen.push(readFileSync(written, 'utf8'));
      throw new Error('buses[1].port: expected an integer 1..65535');
    };
    expect(() => writer.write('buses: [{ port: 0 }]\n', new Date(), refuse, change)).toThrow('buses[1].port');
    expect(seen).toEqual(['buses: [{ port: 0 }]\n']);
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
    expect(readdirSync(dir)).toEqual(['gateway.yaml']);
  });

  it('keeps the last backups only, newest first; two in the same millisecond both kept', () => {
    const writer = new ConfigFileWriter(path, 3);
    const at = new Date('2026-12-03T20:00:00.000Z');
    const backups = [0, 0, 1, 2].map((n) =>
      writer.write(`gateway: { id: gw-${n} }\n`, new Date(at.getTime() + n), accept, change),
    );
    expect(new Set(backups).size).toBe(4);
    expect(writer.history().map((entry) => entry.file)).toEqual(backups.slice(1).reverse());
  });
});

describe('ConfigDocument', () => {
  it('adds an equipment to a bus and removes it, keeping the comments and the layout of the rest', () => {
    const document = new ConfigDocument(ORIGINAL);
    expect(document.addEquipment('street', { id: 'bells', profile: 'beffroi-sim-bells', unit: 3 })).toEqual({
      bus: 0,
      equipment: 1,
      newBus: false,
    });
    const added = document.toString();
    expect(added).toBe(`${ORIGINAL}      - id: bells\n        profile: beffroi-sim-bells\n        unit: 3\n`);
    expect(document.removeEquipment('bells')).toEqual({ bus: 0, equipment: 1, newBus: false });
    expect(document.toString()).toBe(ORIGINAL);
  });

  it('adds a new bus with its equipment, and removes the bus with its last equipment', () => {
    const document = new ConfigDocument(ORIGINAL);
    const place = document.addEquipment(
      { id: 'spare', protocol: 'modbus-tcp', host: '127.0.0.1', port: 1502 },
      { id: 'bells', profile: 'beffroi-sim-bells', unit: 3 },
    );
    expect(place).toEqual({ bus: 1, equipment: 0, newBus: true });
    expect(document.toJS()).toMatchObject({
      buses: [{ id: 'street' }, { id: 'spare', port: 1502, equipment: [{ id: 'bells', unit: 3 }] }],
    });
    expect(document.removeEquipment('bells')).toEqual({ bus: 1, equipment: 0, newBus: true });
    expect(document.toString()).toBe(ORIGINAL);
    expect(document.removeEquipment('bells')).toBeUndefined();
  });
});
