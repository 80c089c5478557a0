import { SyncExceptionCode } from '../sync.exception';
import { outboxEnvelopeSchema } from '../protocol/report.message';
import {
  alarm,
  commandResultMessage,
  commissioningReportMessage,
  GATEWAY,
  health,
  quotas,
  switching,
  telemetry,
} from '../sync.fixtures';
import { drainRate } from './drain-rate';
import { Outbox } from './outbox';

const now = new Date('2027-01-15T18:00:00Z');
const unlimited = drainRate(1_000_000, 1_000_000, now);
const seqs = (envelopes: readonly { seq: number }[]) => envelopes.map((e) => e.seq);

describe('Outbox', () => {
  it('assigns strictly increasing seqs and stamps the gateway id', () => {
    const outbox = new Outbox(GATEWAY, quotas());
    const results = [switching(), telemetry('a:x'), alarm(), commandResultMessage(), health()].map((m) =>
      outbox.append(m),
    );
    expect(results.map((r) => [r.outcome, r.envelope.seq, r.envelope.gatewayId])).toEqual([
      ['stored', 1, GATEWAY],
      ['stored', 2, GATEWAY],
      ['stored', 3, GATEWAY],
      ['stored', 4, GATEWAY],
      ['stored', 5, GATEWAY],
    ]);
    expect(outbox.range()).toEqual({ firstSeq: 1, lastSeq: 5 });
  });

  describe('telemetry over its quota', () => {
    it('drops the oldest sample of the point that has the most, never the last value of a point', () => {
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 4 }));
      ['a:v', 'a:v', 'a:v', 'b:v'].forEach((key) => outbox.append(telemetry(key)));
      const result = outbox.append(telemetry('b:v'));
      expect(result.outcome).toBe('downsampled');
      expect(result.outcome === 'downsampled' && seqs(result.evicted)).toEqual([1]);
      const next = outbox.append(telemetry('c:v'));
      expect(next.outcome === 'downsampled' && seqs(next.evicted)).toEqual([2]);
      expect(outbox.sizes().telemetry).toBe(4);
      expect(seqs(outbox.nextBatch(10, unlimited, now).report?.messages ?? [])).toEqual([3, 4, 5, 6]);
    });

    it('breaks a tie between points with as many samples by dropping the older sample', () => {
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 4 }));
      ['b:v', 'a:v', 'a:v', 'b:v'].forEach((key) => outbox.append(telemetry(key)));
      const result = outbox.append(telemetry('c:v'));
      expect(result.outcome === 'downsampled' && result.evicted.map((e) => [e.seq, e.class])).toEqual([
        [1, 'telemetry'],
      ]);
    });

    it('keeps the latest value of every point even past the quota, and says so', () => {
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 2 }));
      outbox.append(telemetry('a:v'));
      outbox.append(telemetry('b:v'));
      const result = outbox.append(telemetry('c:v'));
      expect(result).toMatchObject({
        outcome: 'overQuota',
        evicted: [],
        overflow: { class: 'telemetry', count: 3, quota: 2 },
      });
      const again = outbox.append(telemetry('c:v', 2));
      expect(again.outcome === 'overQuota' && seqs(again.evicted)).toEqual([3]);
      expect(outbox.sizes().telemetry).toBe(3);
    });

    it('never evicts another class to make room for telemetry', () => {
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 1 }));
      outbox.append(switching());
      outbox.append(telemetry('a:v'));
      const result = outbox.append(telemetry('a:v'));
      expect(result.outcome === 'downsampled' && result.evicted.map((e) => e.class)).toEqual(['telemetry']);
      expect(outbox.sizes()).toMatchObject({ switching: 1, telemetry: 1 });
    });
  });

  it.each([
    ['switching', switching()],
    ['alarm', alarm()],
    ['commandResult', commandResultMessage()],
    ['health', health()],
  ] as const)('keeps every %s past its quota and reports the overflow', (cls, message) => {
    const outbox = new Outbox(GATEWAY, quotas({ [cls]: 2 }));
    outbox.append(message);
    expect(outbox.append(message).outcome).toBe('stored');
    const result = outbox.append(message);
    expect(result).toMatchObject({ outcome: 'overQuota', evicted: [], overflow: { class: cls, count: 3, quota: 2 } });
    expect(outbox.size).toBe(3);
  });

  it('removes only what an ack covers: the prefix and the listed seqs', () => {
    const outbox = new Outbox(GATEWAY, quotas());
    for (let i = 0; i < 8; i++) outbox.append(switching());
    expect(seqs(outbox.ack({ upTo: 3, seqs: [5, 7, 42] }))).toEqual([1, 2, 3, 5, 7]);
    expect(seqs(outbox.ack({ upTo: 3, seqs: [5] }))).toEqual([]);
    expect(outbox.range()).toEqual({ firstSeq: 4, lastSeq: 8 });
    expect(seqs(outbox.nextBatch(10, unlimited, now).report?.messages ?? [])).toEqual([4, 6, 8]);
  });

  describe('nextBatch', () => {
    it('drains in seq order, a limited number at a time, each once per connection', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      for (let i = 0; i < 5; i++) outbox.append(switching());
      const first = outbox.nextBatch(2, unlimited, now);
      expect(first.report).toMatchObject({ type: 'report', v: 1, after: 0 });
      expect(seqs(first.report?.messages ?? [])).toEqual([1, 2]);
      expect(first.retryInMs).toBe(0);
      const second = outbox.nextBatch(2, first.rate, now);
      expect(second.report?.after).toBe(2);
      expect(seqs(second.report?.messages ?? [])).toEqual([3, 4]);
      const third = outbox.nextBatch(2, second.rate, now);
      expect(seqs(third.report?.messages ?? [])).toEqual([5]);
      expect(third.retryInMs).toBeUndefined();
      expect(outbox.nextBatch(2, third.rate, now)).toEqual({ rate: third.rate, retryInMs: undefined });
    });

    it('sends again everything unacknowledged after a rewind', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      for (let i = 0; i < 4; i++) outbox.append(switching());
      outbox.nextBatch(10, unlimited, now);
      outbox.ack({ upTo: 1, seqs: [] });
      outbox.rewind();
      const again = outbox.nextBatch(10, unlimited, now);
      expect(again.report?.after).toBe(0);
      expect(seqs(again.report?.messages ?? [])).toEqual([2, 3, 4]);
    });

    it('holds back when the drain rate is spent, and says when to ask again', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      for (let i = 0; i < 10; i++) outbox.append(switching());
      const rate = drainRate(4, 3, now);
      const first = outbox.nextBatch(100, rate, now);
      expect(seqs(first.report?.messages ?? [])).toEqual([1, 2, 3]);
      expect(first.retryInMs).toBe(250);
      const early = outbox.nextBatch(100, first.rate, new Date(now.getTime() + 100));
      expect(early.report).toBeUndefined();
      expect(early.retryInMs).toBe(150);
      const later = outbox.nextBatch(100, early.rate, new Date(now.getTime() + 500));
      expect(seqs(later.report?.messages ?? [])).toEqual([4, 5]);
    });

    it('holds the drain at a procès-verbal while central speaks protocol 1, and sends it at protocol 2', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      outbox.append(switching());
      outbox.append(commissioningReportMessage());
      outbox.append(switching());
      const old = outbox.nextBatch(100, drainRate(200, 500, now), now, 1);
      expect(seqs(old.report?.messages ?? [])).toEqual([1]);
      expect(old.heldBy?.seq).toBe(2);
      expect(old.retryInMs).toBeUndefined();
      const stuck = outbox.nextBatch(100, old.rate, now, 1);
      expect(stuck.report).toBeUndefined();
      expect(stuck.heldBy?.seq).toBe(2);
      // Nothing after it was acknowledged, so nothing is lost: a central that speaks protocol 2 gets all of it.
      expect(outbox.ack({ upTo: 1, seqs: [] }).map((e) => e.seq)).toEqual([1]);
      outbox.rewind();
      const upgraded = outbox.nextBatch(100, stuck.rate, now, 2);
      expect(seqs(upgraded.report?.messages ?? [])).toEqual([2, 3]);
      expect(upgraded.heldBy).toBeUndefined();
    });

    it('leaves the commissioningReport class out of the health sizes a central of protocol 1 reads', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      const message = health();
      if (message.class !== 'health') throw new Error('expected a health message');
      outbox.append({
        ...message,
        payload: { ...message.payload, outbox: { ...message.payload.outbox, commissioningReport: 1 } },
      });
      const [old] = outbox.nextBatch(100, drainRate(200, 500, now), now, 1).report?.messages ?? [];
      expect(old?.class === 'health' && old.payload.outbox).toEqual(message.payload.outbox);
      outbox.rewind();
      const [current] = outbox.nextBatch(100, drainRate(200, 500, now), now, 2).report?.messages ?? [];
      expect(current?.class === 'health' && current.payload.outbox.commissioningReport).toBe(1);
    });

    it('refuses a procès-verbal over the size central takes, saying so', () => {
      const envelope = { ...commissioningReportMessage(), gatewayId: GATEWAY, seq: 1 };
      expect(outboxEnvelopeSchema.safeParse(envelope).success).toBe(true);
      const steps = Array.from({ length: 2000 }, (_, i) => ({
        equipment: 'armoire-1',
        kind: 'circuit' as const,
        key: `armoire-1:circuit.${i}.command`,
        name: 'x'.repeat(250),
        state: 'passed' as const,
        latencyMs: {},
      }));
      const large = commissioningReportMessage();
      if (large.class !== 'commissioningReport') throw new Error('expected a report');
      const result = outboxEnvelopeSchema.safeParse({
        ...large,
        payload: { ...large.payload, run: { ...large.payload.run, steps } },
        gatewayId: GATEWAY,
        seq: 1,
      });
      expect(result.error?.issues[0]?.message).toMatch(
        /^expected a procès-verbal of at most 524288 bytes of JSON, got \d+$/,
      );
    });

    it('spends tokens only for the messages it sends: a lone message leaves the burst for the next ones', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      const rate = drainRate(200, 500, now);
      outbox.append(switching());
      const first = outbox.nextBatch(500, rate, now);
      expect(seqs(first.report?.messages ?? [])).toEqual([1]);
      expect(first.rate.tokens).toBe(499);
      outbox.append(switching());
      outbox.append(switching());
      const next = outbox.nextBatch(500, first.rate, new Date(now.getTime() + 1));
      expect(seqs(next.report?.messages ?? [])).toEqual([2, 3]);
      expect(next.retryInMs).toBeUndefined();
    });

    it('tells central which gaps will never fill: after is the previous message still held', () => {
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 2 }));
      outbox.append(switching());
      outbox.append(telemetry('a:v'));
      outbox.append(telemetry('a:v'));
      expect(seqs(outbox.nextBatch(1, unlimited, now).report?.messages ?? [])).toEqual([1]);
      outbox.append(telemetry('a:v'));
      outbox.append(switching());
      const batch = outbox.nextBatch(10, unlimited, now);
      expect(batch.report?.after).toBe(1);
      expect(seqs(batch.report?.messages ?? [])).toEqual([3, 4, 5]);
    });
  });

  describe('restore', () => {
    it('continues the seqs where they stopped, even when everything was acknowledged', () => {
      const outbox = new Outbox(GATEWAY, quotas());
      outbox.append(switching());
      outbox.ack({ upTo: 1, seqs: [] });
      const restored = Outbox.restore(GATEWAY, quotas(), { nextSeq: 2, messages: [] });
      expect(restored.range()).toEqual({ firstSeq: 2, lastSeq: 1 });
      expect(restored.append(alarm()).envelope.seq).toBe(2);
    });

    it('rebuilds the per-point samples so downsampling goes on after a restart', () => {
      const source = new Outbox(GATEWAY, quotas());
      [telemetry('a:v'), switching(), telemetry('a:v')].forEach((m) => source.append(m));
      const messages = source.nextBatch(10, unlimited, now).report?.messages ?? [];
      const restored = Outbox.restore(GATEWAY, quotas({ telemetry: 2 }), { nextSeq: 4, messages });
      const result = restored.append(telemetry('a:v'));
      expect(result.outcome === 'downsampled' && seqs(result.evicted)).toEqual([1]);
      expect(restored.sizes()).toMatchObject({ telemetry: 2, switching: 1 });
    });

    it.each([
      [
        'a counter behind the rows',
        { nextSeq: 2, messages: [2] },
        /nextSeq 2 must be an integer above the last stored seq 2/,
      ],
      ['seqs out of order', { nextSeq: 9, messages: [3, 2] }, /seqs must increase strictly: 2 follows 3/],
      ['a repeated seq', { nextSeq: 9, messages: [3, 3] }, /3 follows 3/],
    ])('refuses %s', (_case, stored, message) => {
      const messages = stored.messages.map((seq) => ({ ...switching(), gatewayId: GATEWAY, seq }));
      expect(() => Outbox.restore(GATEWAY, quotas(), { nextSeq: stored.nextSeq, messages })).toThrow(
        expect.objectContaining({
          code: SyncExceptionCode.InvalidOutbox,
          message: expect.stringMatching(message),
        }) as Error,
      );
    });

    it("refuses another gateway's rows", () => {
      const messages = [{ ...switching(), gatewayId: 'gw-other', seq: 1 }];
      expect(() => Outbox.restore(GATEWAY, quotas(), { nextSeq: 2, messages })).toThrow(
        /belongs to gateway "gw-other"/,
      );
    });
  });

  it('refuses a quota that would hold nothing', () => {
    expect(() => new Outbox(GATEWAY, quotas({ alarm: 0 }))).toThrow(/quota for alarm/);
  });

  it('stays bounded through a long outage at a high telemetry rate, keeping every switching', () => {
    const outbox = new Outbox(GATEWAY, quotas({ telemetry: 500, switching: 10_000 }));
    const points = Array.from({ length: 50 }, (_, i) => `armoire-${i % 5}:meter.l${i}.power`);
    for (let tick = 0; tick < 2000; tick++) {
      for (const key of points) outbox.append(telemetry(key, tick));
      if (tick % 100 === 0) outbox.append(switching());
    }
    expect(outbox.sizes()).toMatchObject({ telemetry: 500, switching: 20 });
    const drained = [];
    let rate = unlimited;
    for (;;) {
      const batch = outbox.nextBatch(200, rate, now);
      rate = batch.rate;
      if (!batch.report) break;
      drained.push(...batch.report.messages);
    }
    const latest = new Map<string, unknown>();
    for (const e of drained) if (e.class === 'telemetry') latest.set(e.payload.pointKey, e.payload.value);
    expect([...latest.values()]).toEqual(points.map(() => 1999));
    expect(seqs(drained)).toEqual([...seqs(drained)].sort((a, b) => a - b));
  });
});
