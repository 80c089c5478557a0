import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DocumentException } from '@beffroi/domain';
import { loadGatewayConfig } from './gateway.config';

const CONFIG = resolve(__dirname, '..', '..', '..', 'config');

describe('loadGatewayConfig reports every problem of every layer in one run', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-gateway-config-'));
    cpSync(CONFIG, dir, { recursive: true });
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Replaces `from` by `to` in a file of the copied config folder (the text must be there). */
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).toContain(from);
    writeFileSync(join(dir, file), text.replace(from, to));
  };

  const problemsOf = (): string[] => {
    try {
      loadGatewayConfig(join(dir, 'gateway.yaml'));
    } catch (error) {
      if (error instanceof DocumentException) {
        expect(error.source).toBe(join(dir, 'gateway.yaml'));
        return error.problems.map((p) => `${p.path}: ${p.message}`);
      }
      throw error;
    }
    throw new Error('the config loaded');
  };

  const badGatewayFile = 'buses[0].equipment[0].unit: expected integer 0..255, got 300';
  const badProfile =
    'profiles/beffroi-sim-cabinet.yaml: points[1].kind: expected one of command | feedback | measure | alarm | setpoint, got "toaster"';
  const badSchedule =
    'schedules/cloches-basilique.yaml: sequences.angelus.steps[0].count: expected a count 1..24 or "hour", got "beaucoup"';

  it('a problem in the gateway file, a profile and a schedule file: all three are reported together', () => {
    edit('gateway.yaml', 'unit: 1', 'unit: 300');
    edit('profiles/beffroi-sim-cabinet.yaml', 'kind: feedback', 'kind: toaster');
    edit('schedules/cloches-basilique.yaml', 'count: 3', 'count: beaucoup');
    const problems = problemsOf();
    expect(problems).toContainEqual(badGatewayFile);
    expect(problems).toContainEqual(badProfile);
    expect(problems).toContainEqual(badSchedule);
    // The cabinet's profile is invalid, not unknown: its references are not reported a second time.
    expect(problems.filter((p) => p.includes('unknown profile'))).toEqual([]);
    expect(problems).toHaveLength(3);
  });

  it('a valid gateway file with a bad profile still has its schedule files checked', () => {
    edit('profiles/beffroi-sim-cabinet.yaml', 'kind: feedback', 'kind: toaster');
    edit('schedules/cloches-basilique.yaml', 'count: 3', 'count: beaucoup');
    const problems = problemsOf();
    expect(problems).toEqual([badProfile, badSchedule]);
  });

  it('an invalid gateway file still has its unknown profiles reported', () => {
    edit('gateway.yaml', 'unit: 1', 'unit: 300');
    edit('gateway.yaml', 'profile: beffroi-sim-bells', 'profile: cloches-xyz');
    expect(problemsOf()).toEqual([
      badGatewayFile,
      'buses[1].equipment[0].profile: unknown profile "cloches-xyz" (known: beffroi-sim-bells, beffroi-sim-cabinet, beffroi-sim-heating)',
    ]);
  });

  it('schedule files are checked alongside what they drive, every file at once', () => {
    edit('gateway.yaml', 'cabinet-hotel-de-ville:circuit.1.command', 'cabinet-hotel-de-ville:circuit.9.command');
    edit('schedules/cloches-basilique.yaml', 'count: 3', 'count: beaucoup');
    edit('schedules/chauffage-salle-des-fetes.yaml', 'comfort: 19', 'comfort: tiède');
    const problems = problemsOf();
    expect(problems).toEqual([
      'schedules[0].outputs[0]: equipment "cabinet-hotel-de-ville" (profile beffroi-sim-cabinet) has no point "circuit.9.command"',
      badSchedule,
      expect.stringContaining('schedules/chauffage-salle-des-fetes.yaml: setpoints.comfort: '),
    ]);
  });
});
