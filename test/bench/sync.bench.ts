/**
 * `npm run bench:sync`: central in its own process, gateways simulated in this one (the real protocol, real
 * sockets, the pure rules of libs/sync). Prints:
 * - fan-out: a schedule template pushed to N communes' gateways (default 1,000), time until central records every
 *   one as applied, against the time to hand the same gateways one command each (a floor: one frame each way);
 * - drain: a 7-day backlog of one gateway (telemetry at its quota, switchings, alarms, command results) sent at full
 *   speed, messages per second until all are stored and acknowledged, against an empty round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxMessage } from '@beffroi/sync';
import { ProtocolGateway } from '../support/protocol-gateway';
import { BENCH_PASSWORD, startCentralProcess } from './central-process';

const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 1000);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-sync-'));
  const central = await startCentralProcess(dir);
  const api = async (token: string | undefined, method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const { token } = (await api(undefined, 'POST', '/api/auth/login', {
      login: 'admin@useda',
      password: BENCH_PASSWORD,
    })) as {
      token: string;
    };
    for (const department of ['02', '59', '62']) await api(token, 'POST', '/api/communes', { department });
    const communes = ((await api(token, 'GET', '/api/communes')) as { insee: string }[]).slice(0, GATEWAYS);
    const gateways: ProtocolGateway[] = [];
    for (const commune of communes) {
      const { code } = (await api(token, 'POST', `/api/communes/${commune.insee}/enrolment-codes`)) as { code: string };
      const gatewayId = `gw-${commune.insee.toLowerCase()}`;
      const { credential } = (await api(undefined, 'POST', '/api/enrolment', { code, gatewayId })) as {
        credential: string;
      };
      gateways.push(new ProtocolGateway(gatewayId, credential, central.wsUrl));
    }
    for (let i = 0; i < gateways.length; i += 100)
      await Promise.all(gateways.slice(i, i + 100).map((g) => g.connect()));
    console.log(`${gateways.length} gateways connected`);

    // Floor: one command to each gateway, every result stored.
    let started = performance.now();
    const commands = await Promise.all(
      gateways.map((g) =>
        api(token, 'POST', `/api/gateways/${g.gatewayId}/commands`, {
          action: 'switch',
          pointKey: 'cabinet:circuit.1.command',
          value: true,
        }),
      ),
    );
    await Promise.all(
      gateways.map((g) => g.waitFor('a command', () => g.received.some((m) => m.type === 'command'), 60_000)),
    );
    await Promise.all(gateways.map((g) => g.drained(60_000)));
    const commandSeconds = (performance.now() - started) / 1000;
    console.log(`(${commands.length} commands answered)`);

    const item = {
      kind: 'lighting',
      outputs: ['cabinet:circuit.1.command', 'cabinet:circuit.2.command'],
      schedule: {
        calendar: { defaultProgrammeId: 'nuit', rules: [] },
        programmes: {
          nuit: {
            points: [
              { sun: 'sunset', offsetMinutes: 15, value: true },
              { at: '23:00', value: false },
              { at: '05:30', value: true },
              { sun: 'sunrise', value: false },
            ],
          },
        },
      },
    };
    started = performance.now();
    const push = (await api(token, 'POST', '/api/templates/push', {
      scheduleId: 'eclairage-syndical',
      item,
      communes: communes.map((c) => c.insee),
    })) as { id: string };
    const requestSeconds = (performance.now() - started) / 1000;
    for (;;) {
      const progress = (await api(token, 'GET', `/api/pushes/${push.id}`)) as { summary: { applied: number } };
      if (progress.summary.applied === gateways.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fanOutSeconds = (performance.now() - started) / 1000;

    // Drain after a 7-day outage: one gateway, its backlog as its outbox would hold it.
    const backlog = gateways[0];
    if (backlog === undefined) throw new Error('no gateway');
    backlog.close();
    const at = (i: number) => new Date(Date.UTC(2027, 0, 1) + i * 30_000).toISOString();
    const messages: OutboxMessage[] = [];
    for (let i = 0; i < 20_000; i++) {
      messages.push({
        class: 'telemetry',
        payload: { pointKey: `cabinet:meter.${i % 40}`, value: i, quality: { status: 'good' }, receivedAt: at(i) },
      });
    }
    for (let i = 0; i < 2_000; i++) {
      messages.push({
        class: 'switching',
        payload: {
          pointKey: `cabinet:circuit.${(i % 4) + 1}.command`,
          value: i % 2 === 0,
          slot: 12,
          source: 'schedule:x',
          result: 'applied',
          at: at(i),
        },
      });
    }
    for (let i = 0; i < 500; i++) {
      messages.push({
        class: 'alarm',
        payload: {
          key: `cabinet:door.open`,
          state: i % 2 === 0 ? 'raised' : 'cleared',
          severity: 'warning',
          message: 'door',
          at: at(i),
        },
      });
    }
    for (const message of messages) backlog.append(message);
    await backlog.connect();
    started = performance.now();
    backlog.flush();
    await backlog.drained(600_000);
    const drainSeconds = (performance.now() - started) / 1000;

    const other = gateways[1];
    if (other === undefined) throw new Error('no gateway');
    started = performance.now();
    for (let i = 0; i < 200; i++) {
      other.append(messages[20_000 + i] ?? messages[0]!);
      other.flush();
      await other.drained();
    }
    const roundTripMs = (performance.now() - started) / 200;

    console.log('');
    console.log('| measure | value | against |');
    console.log('|---|---|---|');
    console.log(
      `| template pushed to ${gateways.length} gateways, all applied | ${fanOutSeconds.toFixed(2)} s (the push request itself ${requestSeconds.toFixed(2)} s) | one command to each, all answered: ${commandSeconds.toFixed(2)} s (×${(fanOutSeconds / commandSeconds).toFixed(2)}); target ≤ 10 s |`,
    );
    console.log(
      `| 7-day backlog drained (${messages.length} messages) | ${drainSeconds.toFixed(2)} s, ${Math.round(messages.length / drainSeconds)} messages/s | one message stored and acknowledged: ${roundTripMs.toFixed(2)} ms (×${((drainSeconds * 1000) / messages.length / roundTripMs).toFixed(3)} per message) |`,
    );
    for (const gateway of gateways) gateway.close();
  } finally {
    central.child.kill('SIGINT');
    await new Promise((resolve) => central.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
