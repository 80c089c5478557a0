import { api } from '../support/gateway-harness';
import { type ShippedRun, startShippedRun } from '../support/shipped-run';
import { waitFor } from '../support/wait-for';

interface PointView {
  key: string;
  quality: { status: string; reason?: string };
}

let run: ShippedRun;

beforeAll(async () => {
  run = await startShippedRun();
});

afterAll(async () => {
  await run.close();
});

/** Every point not `good`, with its quality, for a message that names them. */
async function notGood(): Promise<string[]> {
  const { body } = await api(run.gatewayUrl, 'GET', '/points');
  return (body as PointView[])
    .filter((point) => point.quality.status !== 'good')
    .map((point) => `${point.key}: ${point.quality.status} ${point.quality.reason ?? ''}`.trim());
}

describe('the shipped gateway config against the shipped simulator config', () => {
  it('reads every point of every equipment good', async () => {
    const { body } = await api(run.gatewayUrl, 'GET', '/points');
    // The bells (16 points), the cabinet (27) and the heating (16).
    expect((body as PointView[]).length).toBe(16 + 27 + 16);
    await expect(
      waitFor('notGood: bad.length === 0', notGood, (bad) => bad.length === 0, { timeoutMs: 15_000 }),
    ).resolves.toEqual([]);
  });
});
