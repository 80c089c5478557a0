import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedFieldKey, signFieldToken } from '@beffroi/runtime';
import { runFieldCli } from '../../apps/gateway/src/cli/field.cli';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const ENGINEER = 'tech@useda';
const CIRCUIT = (n: number) => `cabinet:circuit.${n}.command`;

interface Step {
  index: number;
  kind: string;
  key: string;
  state: string;
  latencyMs: Record<string, number>;
  detail?: string;
  prompt?: string;
}
interface Run {
  id: string;
  state: string;
  startedBy: string;
  prompt: { step: number; text: string } | null;
  summary: { passed: number; failed: number; skipped: number; pending: number };
  steps: Step[];
}

let sim: SimulatorHarness;
/** The run of the first test, with circuit 3's feedback broken: the procès-verbal is made from it. */
let brokenRun = '';
let gw: GatewayHarness;
/** Authorization header values, by who calls: field tokens signed with central's key, which the gateway knows. */
const callers = new Map<string, string>();
const as = (caller: string) => callers.get(caller) ?? null;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-commissioning-test-'));
  // Central is unreachable: the gateway checks field tokens with the key it received at enrolment.
  const central = generateKeyPairSync('ed25519');
  writeFileSync(
    join(dir, 'gateway-credential-field-key.json'),
    JSON.stringify([publishedFieldKey(central.privateKey)]),
  );
  const now = Math.floor(Date.now() / 1000);
  for (const [login, role] of [
    [ENGINEER, 'field-engineer'],
    ['lecteur@02691', 'read-only'],
  ] as const) {
    const claims = { gatewayId: 'gw-test', communeInsee: '02691', login, role, iat: now, exp: now + 3600 };
    callers.set(role, `Bearer ${signFieldToken(claims, central.privateKey)}`);
  }
  gw = await startGateway(cabinetAndBellsBuses(sim, { timeout: '300ms', verifyTimeout: '1s' }), dir, {
    config: {
      control: { minimumOnOff: '0s' },
      central: { url: 'https://127.0.0.1:9', credentialFile: join(dir, 'gateway-credential') },
    },
  });
  await waitFor(
    'cabinet and bells online',
    async () => (await api(gw.url, 'GET', '/equipment')).body as { online: boolean }[],
    (list) => list.length === 2 && list.every((equipment) => equipment.online),
  );
}, 60_000);

afterAll(async () => {
  await gw.close();
  await sim.close();
});

async function circuitOn(n: number): Promise<boolean> {
  const state = await control(sim, 'GET', '/devices/cabinet');
  return (state.body as { circuits: { command: boolean }[] }).circuits[n - 1]?.command ?? false;
}

async function run(id: string): Promise<Run> {
  const answer = await api(gw.url, 'GET', `/commissioning/tests/${id}`, undefined, as('field-engineer'));
  expect(answer.status).toBe(200);
  return answer.body as Run;
}

function awaiting(id: string, key: string): Promise<Run> {
  return waitFor(
    `test run ${id} to ask about ${key}`,
    () => run(id),
    (view) => view.steps.find((step) => step.key === key)?.state === 'awaiting',
    { timeoutMs: 30_000 },
  );
}

describe('the commissioning test sequence', () => {
  it('finds the circuit whose feedback is broken, passes the others, and leaves the outputs as arbitration says', async () => {
    // What arbitration says, set before the test: circuit 2 on by a permanent override, the others at their default.
    await api(gw.url, 'PUT', `/outputs/${CIRCUIT(2)}/override`, { value: true, permanent: true });
    await waitFor(
      'circuit 2 on',
      () => circuitOn(2),
      (on) => on,
    );
    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [{ circuit: 3, value: false }] });

    const started = await api(gw.url, 'POST', '/commissioning/tests', { all: true }, as('field-engineer'));
    expect(started.status).toBe(202);
    const { id } = started.body as Run;
    brokenRun = id;
    expect(started.body).toMatchObject({ state: 'running', startedBy: ENGINEER, equipment: ['cabinet', 'bells'] });

    // The door check waits for someone at the cabinet: meanwhile the outputs are locked out in the engineer's name.
    const atDoor = await awaiting(id, 'cabinet:door.open');
    expect(atDoor.prompt?.text).toContain("Porte de l'armoire ouverte");
    const remote = await api(gw.url, 'PUT', `/outputs/${CIRCUIT(1)}/override`, { value: true, permanent: true });
    expect(remote).toMatchObject({ status: 409, body: { code: 'LOCKED_OUT' } });
    expect(remote.body.message).toContain(`locked out for maintenance by ${ENGINEER}`);
    expect((await api(gw.url, 'GET', `/outputs/${CIRCUIT(2)}`)).body.winner).toMatchObject({
      slot: 8,
      owner: ENGINEER,
    });

    await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: true });
    await awaiting(id, 'cabinet:breaker.tripped');
    await control(sim, 'POST', '/devices/cabinet/inputs', { doorOpen: false });
    const skipped = await api(
      gw.url,
      'POST',
      `/commissioning/tests/${id}/answer`,
      { answer: 'skip' },
      as('field-engineer'),
    );
    expect(skipped.status).toBe(200);
    await awaiting(id, 'cabinet:earth_leakage');
    // Confirmed, but the input never showed the fault: that check fails.
    await api(gw.url, 'POST', `/commissioning/tests/${id}/answer`, { answer: 'confirm' }, as('field-engineer'));

    const ended = await waitFor(
      `test run ${id} to end`,
      () => run(id),
      (view) => view.state !== 'running',
      { timeoutMs: 30_000 },
    );
    const step = (kind: string, key: string) => ended.steps.find((s) => s.kind === kind && s.key === key);
    expect(ended.state).toBe('failed');
    expect(ended.prompt).toBeNull();
    expect(step('circuit', CIRCUIT(3))).toMatchObject({ state: 'failed' });
    expect(step('circuit', CIRCUIT(3))?.detail).toMatch(/^marche : /);
    for (const n of [1, 2, 4]) {
      const circuit = step('circuit', CIRCUIT(n));
      expect(circuit).toMatchObject({ state: 'passed' });
      expect(Object.keys(circuit?.latencyMs ?? {}).sort()).toEqual(['off', 'on']);
    }
    for (const bell of [1, 2, 3]) {
      expect(step('strike', `bells:bell.${bell}.strike`)).toMatchObject({ state: 'passed' });
    }
    expect(step('alarm', 'cabinet:door.open')).toMatchObject({ state: 'passed' });
    expect(step('alarm', 'cabinet:breaker.tripped')).toMatchObject({ state: 'skipped' });
    expect(step('alarm', 'cabinet:earth_leakage')).toMatchObject({ state: 'failed' });
    for (const n of [1, 2, 3, 4]) expect(step('restore', CIRCUIT(n))).toMatchObject({ state: 'passed' });
    expect(ended.summary).toEqual({ passed: 11, failed: 2, skipped: 1, pending: 0 });

    // The lock-outs are lifted: circuit 2 is back to its override, the others to their default.
    expect((await api(gw.url, 'GET', `/outputs/${CIRCUIT(2)}`)).body.winner).toMatchObject({
      slot: 10,
      owner: 'local-api',
    });
    for (const n of [1, 3, 4]) {
      expect((await api(gw.url, 'GET', `/outputs/${CIRCUIT(n)}`)).body.winner).toMatchObject({ slot: 16 });
    }
    expect([await circuitOn(1), await circuitOn(2), await circuitOn(3), await circuitOn(4)]).toEqual([
      false,
      true,
      false,
      false,
    ]);
    const rings = (await api(gw.url, 'GET', '/rings')).body as { key: string; state: string }[];
    expect(rings.filter((ring) => ring.key.startsWith(`commissioning:${id}/`)).map((ring) => ring.state)).toEqual([
      'done',
      'done',
      'done',
    ]);
    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [] });
  }, 90_000);

  it('aborting lifts the lock-outs at once', async () => {
    const started = await api(gw.url, 'POST', '/commissioning/tests', { equipment: 'cabinet' }, as('field-engineer'));
    const { id } = started.body as Run;
    await awaiting(id, 'cabinet:door.open');
    const again = await api(gw.url, 'POST', '/commissioning/tests', { equipment: 'cabinet' }, as('field-engineer'));
    expect(again).toMatchObject({ status: 409, body: { code: 'TEST_RUNNING' } });

    const aborted = await api(gw.url, 'DELETE', `/commissioning/tests/${id}`, undefined, as('field-engineer'));
    expect(aborted.status).toBe(200);
    expect(aborted.body).toMatchObject({ state: 'aborted', prompt: null });
    const steps = (aborted.body as Run).steps;
    expect(steps.filter((s) => s.kind === 'restore').map((s) => s.state)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
    ]);
    expect((await api(gw.url, 'GET', `/outputs/${CIRCUIT(2)}`)).body.winner).toMatchObject({ slot: 10 });
    const late = await api(gw.url, 'POST', `/commissioning/tests/${id}/answer`, { answer: 'skip' });
    expect(late).toMatchObject({ status: 409, body: { code: 'NO_PROMPT' } });
  }, 60_000);

  it('refuses a read-only token (403) and no credential (401); names a bad field or an unknown equipment', async () => {
    const readOnly = await api(gw.url, 'POST', '/commissioning/tests', { all: true }, as('read-only'));
    expect(readOnly).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await api(gw.url, 'GET', '/commissioning/tests', undefined, as('read-only'))).status).toBe(200);
    const anonymous = await api(gw.url, 'POST', '/commissioning/tests', { all: true }, null);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect((await api(gw.url, 'GET', '/commissioning/tests', undefined, null)).status).toBe(401);

    const bad = await api(gw.url, 'POST', '/commissioning/tests', {
      equipment: 'cabinet',
      options: { promptTimeout: 1 },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(bad.body.problems).toEqual([
      { path: 'options.promptTimeout', message: 'expected a number of seconds 5..3600, got 1' },
    ]);
    const unknown = await api(gw.url, 'POST', '/commissioning/tests', { equipment: 'armoire-x' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'UNKNOWN_EQUIPMENT' } });
    expect((await api(gw.url, 'GET', '/commissioning/tests/nope')).body).toMatchObject({ code: 'UNKNOWN_TEST' });
  });

  it('beffroi test-outputs runs it through the local API: the prompts asked at the terminal, a table of the results', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const token = (callers.get('field-engineer') ?? '').replace(/^Bearer /, '');
    const code = await runFieldCli(['test-outputs', '--gateway', gw.url, '--equipment', 'cabinet'], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      ask: (question) => {
        asked.push(question);
        return Promise.resolve('s');
      },
      env: { BEFFROI_FIELD_TOKEN: token },
    });
    expect({ code, err: err.filter((line) => line.includes('failed')) }).toEqual({ code: 0, err: [] });
    expect(asked).toHaveLength(3);
    expect(asked[0]).toContain("Porte de l'armoire ouverte");
    expect(out[0]).toMatch(/^#\s+equipment\s+test\s+point\s+result\s+latency\s+detail$/);
    expect(
      out.filter((line) => / circuit\.\d\.command\s+passed\s+(on|off) \d+ ms, (on|off) \d+ ms/.test(line)),
    ).toHaveLength(4);
    expect(out.filter((line) => /\s(door\.open|breaker\.tripped|earth_leakage)\s+skipped\s/.test(line))).toHaveLength(
      3,
    );
    expect(out.at(-1)).toMatch(/^run [0-9a-f-]+ passed: 8 passed, 0 failed, 3 skipped \(by tech@useda\)$/);

    const usage = await runFieldCli(['test-outputs', '--gateway', gw.url], {
      out: () => undefined,
      err: (line) => err.push(line),
    });
    expect(usage).toBe(2);
    expect(err.at(-1)).toBe('beffroi test-outputs: give --equipment <id> or --all (one of them)');
  }, 60_000);

  it('makes the procès-verbal from the finished run: stored, listed, as HTML and PDF, the failed step shown failed', async () => {
    const fields = {
      insulationResistanceMOhm: 250,
      earthResistanceOhm: 12.5,
      rcdTripTimeMs: 28,
      remarks: 'RAS',
      engineer: 'Jeanne Dupont',
    };
    const made = await api(gw.url, 'POST', '/commissioning/reports', { run: brokenRun, fields }, as('field-engineer'));
    expect(made.status).toBe(201);
    const report = made.body as { id: string; run: { state: string; steps: Step[] }; central: { reachable: boolean } };
    expect(report.run.state).toBe('failed');
    expect(report.central.reachable).toBe(false);
    expect(report.run.steps.find((s) => s.kind === 'circuit' && s.key === CIRCUIT(3))?.state).toBe('failed');

    const list = await api(gw.url, 'GET', '/commissioning/reports', undefined, as('read-only'));
    expect(list.body).toEqual([
      expect.objectContaining({
        id: report.id,
        run: { id: brokenRun, state: 'failed', startedBy: ENGINEER },
        links: {
          json: `/commissioning/reports/${report.id}`,
          html: `/commissioning/reports/${report.id}.html`,
          pdf: `/commissioning/reports/${report.id}.pdf`,
        },
      }),
    ]);
    const auth = { authorization: as('field-engineer') ?? '' };
    const page = await fetch(`${gw.url}/commissioning/reports/${report.id}.html`, { headers: auth });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<tr class="failed"><td>cabinet</td><td>Départ</td><td>Départ 3');
    const pdf = await fetch(`${gw.url}/commissioning/reports/${report.id}.pdf`, { headers: auth });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await textOf(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('cabinet Départ circuit.3.command non conforme');
    expect(text).toContain('cabinet Départ circuit.1.command conforme');
    expect(text).toContain('Central injoignable lors de la recette');
    expect(text).toContain(`Essai ${brokenRun} par ${ENGINEER}`);
  });

  it('refuses a report naming the field: a measure missing, an unknown run; a read-only token may not make one', async () => {
    const missing = await api(gw.url, 'POST', '/commissioning/reports', {
      run: brokenRun,
      fields: { insulationResistanceMOhm: 250, rcdTripTimeMs: 28, engineer: 'Jeanne Dupont' },
    });
    expect(missing).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(missing.body.problems).toEqual([
      {
        path: 'fields.earthResistanceOhm',
        message: 'expected the earth resistance in Ω, a number 0..10000, got nothing',
      },
    ]);
    const fields = { insulationResistanceMOhm: 1, earthResistanceOhm: 1, rcdTripTimeMs: 1, engineer: 'J. D.' };
    const unknown = await api(gw.url, 'POST', '/commissioning/reports', { run: 'nope', fields });
    expect(unknown).toMatchObject({ status: 400, body: { problems: [{ path: 'run' }] } });
    const readOnly = await api(gw.url, 'POST', '/commissioning/reports', { run: brokenRun, fields }, as('read-only'));
    expect(readOnly.status).toBe(403);
    expect((await api(gw.url, 'GET', '/commissioning/reports/nope.pdf')).body).toMatchObject({
      code: 'UNKNOWN_REPORT',
    });
  });
});

/** The text layer of a PDF, as Debian's pdftotext (poppler-utils) reads it, spaces collapsed. */
async function textOf(pdf: Buffer): Promise<string> {
  const text = await new Promise<string>((resolve, reject) => {
    const child = execFile('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`pdftotext: ${error.message}`));
    });
    child.stdin?.end(pdf);
  });
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n');
}
