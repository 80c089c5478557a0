import { drainRate } from '../outbox/drain-rate';
import { Outbox } from '../outbox/outbox';
import type { OutboxEnvelope, ReportV1 } from '../protocol/report.message';
import { SyncExceptionCode } from '../sync.exception';
import { alarm, GATEWAY, quotas, switching, telemetry } from '../sync.fixtures';
import { ackFor, emptyInbox, type InboxState, receiveHello, receiveReport } from './inbox';

const envelope = (seq: number): OutboxEnvelope => ({ ...switching(), gatewayId: GATEWAY, seq });
const report = (after: number, ...seqList: number[]): ReportV1 => ({
  type: 'report',
  v: 1,
  after,
  messages: seqList.map(envelope),
});
const seqs = (envelopes: readonly { seq: number }[]) => envelopes.map((e) => e.seq);

function deliver(state: InboxState, ...reports: ReportV1[]) {
  const applied: number[] = [];
  let current = state;
  for (const r of reports) {
    const step = receiveReport(current, r);
    applied.push(...seqs(step.ready));
    current = step.state;
  }
  return { state: current, applied };
}

describe('central inbox', () => {
  it('applies in-order reports at once and acknowledges the prefix', () => {
    const step = receiveReport(emptyInbox(GATEWAY), report(0, 1, 2, 3));
    expect(seqs(step.ready)).toEqual([1, 2, 3]);
    expect(step.ack).toEqual({ type: 'ack', v: 1, upTo: 3, seqs: [] });
    expect(step.duplicates).toEqual([]);
  });

  it('holds a message ahead of a gap, acknowledges it, and releases it once the gap fills', () => {
    const early = receiveReport(emptyInbox(GATEWAY), report(2, 3));
    expect(early.ready).toEqual([]);
    expect(early.ack).toEqual({ type: 'ack', v: 1, upTo: 0, seqs: [3] });
    const filled = receiveReport(early.state, report(0, 1, 2));
    expect(seqs(filled.ready)).toEqual([1, 2, 3]);
    expect(filled.ack).toEqual({ type: 'ack', v: 1, upTo: 3, seqs: [] });
  });

  it('applies a duplicate never twice but acknowledges it again', () => {
    const once = receiveReport(emptyInbox(GATEWAY), report(0, 1, 2));
    const twice = receiveReport(once.state, report(0, 1, 2));
    expect(twice.ready).toEqual([]);
    expect(twice.duplicates).toEqual([1, 2]);
    expect(twice.ack.upTo).toBe(2);
    const held = receiveReport(twice.state, report(3, 4));
    expect(receiveReport(held.state, report(3, 4)).duplicates).toEqual([4]);
  });

  it('does not wait for seqs the report says the gateway no longer has (downsampled telemetry)', () => {
    expect(deliver(emptyInbox(GATEWAY), report(0, 1), report(1, 4, 7)).applied).toEqual([1, 4, 7]);
  });

  it('learns from a later report that an earlier gap will never fill', () => {
    // 5 was sent waiting for 4; 4 was then evicted, and the resend of 6 says nothing lies between 3 and 6 but 5.
    const { state, applied } = deliver(emptyInbox(GATEWAY), report(0, 1, 2, 3), report(4, 5));
    expect(applied).toEqual([1, 2, 3]);
    expect(deliver(state, report(3, 6)).applied).toEqual([5, 6]);
  });

  it('applies a late message that arrives after its successor in seq order', () => {
    const { applied } = deliver(emptyInbox(GATEWAY), report(0, 1), report(3, 6), report(1, 3));
    expect(applied).toEqual([1, 3, 6]);
  });

  it('lets a later report vouch for the gap below a message that arrives late', () => {
    // 6 came with after=2 (3..5 gone then); 4, sent earlier with after=3, arrives later: it waits for 2, not 3.
    expect(deliver(emptyInbox(GATEWAY), report(2, 6), report(3, 4), report(0, 1, 2)).applied).toEqual([1, 2, 4, 6]);
  });

  it("stops waiting for what the gateway's hello says it no longer has", () => {
    const { state } = deliver(emptyInbox(GATEWAY), report(0, 1), report(4, 5));
    const step = receiveHello(state, { firstSeq: 5, lastSeq: 5 });
    expect(seqs(step.ready)).toEqual([5]);
    expect(step.reset).toBe(false);
    expect(step.ack).toEqual({ type: 'ack', v: 1, upTo: 5, seqs: [] });
  });

  it('moves past an empty outbox announced by the hello', () => {
    const step = receiveHello(emptyInbox(GATEWAY), { firstSeq: 41, lastSeq: 40 });
    expect(step.state.appliedUpTo).toBe(40);
    expect(deliver(step.state, report(0, 41)).applied).toEqual([41]);
  });

  it('releases a held message whose gap the hello closes, even above the announced first seq', () => {
    const { state } = deliver(emptyInbox(GATEWAY), report(0, 1), report(8, 10));
    expect(seqs(receiveHello(state, { firstSeq: 10, lastSeq: 12 }).ready)).toEqual([10]);
  });

  it('starts over when the gateway announces seqs below what was applied (its outbox was recreated)', () => {
    const { state } = deliver(emptyInbox(GATEWAY), report(0, 1, 2, 3, 4));
    const step = receiveHello(state, { firstSeq: 1, lastSeq: 2 });
    expect(step.reset).toBe(true);
    expect(step.state).toEqual({ gatewayId: GATEWAY, incarnation: null, epoch: 1, appliedUpTo: 0, held: [] });
    expect(deliver(step.state, report(0, 1)).applied).toEqual([1]);
  });

  it('adopts the first incarnation a gateway announces without starting over', () => {
    const { state } = deliver(emptyInbox(GATEWAY), report(0, 1, 2, 3));
    const step = receiveHello(state, { firstSeq: 3, lastSeq: 5 }, 'store-a');
    expect(step.reset).toBe(false);
    expect(step.state).toMatchObject({ incarnation: 'store-a', epoch: 0, appliedUpTo: 3 });
    expect(receiveHello(step.state, { firstSeq: 4, lastSeq: 5 }, 'store-a').reset).toBe(false);
  });

  it('starts a new epoch for another incarnation even when its range gives no hint of a restart', () => {
    const first = receiveHello(emptyInbox(GATEWAY), { firstSeq: 1, lastSeq: 3 }, 'store-a');
    const { state } = deliver(first.state, report(0, 1, 2, 3));
    const step = receiveHello(state, { firstSeq: 1, lastSeq: 9 }, 'store-b');
    expect(step.reset).toBe(true);
    expect(step.state).toEqual({ gatewayId: GATEWAY, incarnation: 'store-b', epoch: 1, appliedUpTo: 0, held: [] });
    expect(deliver(step.state, report(0, 1, 2, 3, 4)).applied).toEqual([1, 2, 3, 4]);
  });

  it('releases what the previous incarnation left held, since its gap can no longer fill', () => {
    const first = receiveHello(emptyInbox(GATEWAY), { firstSeq: 1, lastSeq: 0 }, 'store-a');
    const { state } = deliver(first.state, report(1, 3, 4));
    expect(state.held.map((h) => h.envelope.seq)).toEqual([3, 4]);
    const step = receiveHello(state, { firstSeq: 1, lastSeq: 1 }, 'store-b');
    expect(seqs(step.ready)).toEqual([3, 4]);
    expect(step.state).toMatchObject({ epoch: 1, appliedUpTo: 0, held: [] });
  });

  it('refuses a message speaking for another gateway', () => {
    const r: ReportV1 = { ...report(0, 1), messages: [{ ...envelope(1), gatewayId: 'gw-other' }] };
    expect(() => receiveReport(emptyInbox(GATEWAY), r)).toThrow(
      expect.objectContaining({ code: SyncExceptionCode.GatewayMismatch }) as Error,
    );
  });

  it('acks what it holds', () => {
    expect(ackFor(deliver(emptyInbox(GATEWAY), report(0, 1), report(5, 6), report(6, 8)).state)).toEqual({
      type: 'ack',
      v: 1,
      upTo: 1,
      seqs: [6, 8],
    });
  });

  /** A deterministic PRNG so a failing scenario can be replayed from its seed. */
  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it.each(Array.from({ length: 25 }, (_, i) => i + 1))(
    'scenario %i: duplicated, reordered and lost deliveries with reconnects apply every switching and alarm once, in order',
    (seed) => {
      const rnd = random(seed);
      const now = new Date('2027-01-15T18:00:00Z');
      const rate = drainRate(1e9, 1e9, now);
      const outbox = new Outbox(GATEWAY, quotas({ telemetry: 5 }));
      let inbox = emptyInbox(GATEWAY);
      const applied: OutboxEnvelope[] = [];
      const kept: number[] = [];
      let inFlight: ReportV1[] = [];
      const receive = (r: ReportV1) => {
        const step = receiveReport(inbox, r);
        inbox = step.state;
        applied.push(...step.ready);
        if (rnd() < 0.7) outbox.ack(step.ack);
      };
      for (let round = 0; round < 60; round++) {
        const n = Math.floor(rnd() * 6);
        for (let i = 0; i < n; i++) {
          const pick = rnd();
          const message = pick < 0.6 ? telemetry(`a:p${Math.floor(rnd() * 3)}`) : pick < 0.8 ? switching() : alarm();
          const result = outbox.append(message);
          if (message.class !== 'telemetry') kept.push(result.envelope.seq);
        }
        const batch = outbox.nextBatch(1 + Math.floor(rnd() * 4), rate, now).report;
        if (batch) inFlight.push(batch);
        if (rnd() < 0.3 && inFlight.length > 0) inFlight.push(inFlight[Math.floor(rnd() * inFlight.length)]!);
        inFlight.sort(() => rnd() - 0.5);
        const delivered = inFlight.splice(0, Math.floor(rnd() * (inFlight.length + 1)));
        delivered.forEach(receive);
        if (rnd() < 0.15) {
          inFlight = rnd() < 0.5 ? [] : inFlight;
          outbox.rewind();
          const hello = receiveHello(inbox, outbox.range());
          inbox = hello.state;
          applied.push(...hello.ready);
          outbox.ack(hello.ack);
        }
      }
      // Connection settles: a final reconnect and a clean drain.
      outbox.rewind();
      const hello = receiveHello(inbox, outbox.range());
      inbox = hello.state;
      applied.push(...hello.ready);
      for (let batch = outbox.nextBatch(50, rate, now).report; batch; batch = outbox.nextBatch(50, rate, now).report) {
        receive(batch);
      }
      const appliedSeqs = seqs(applied);
      expect(appliedSeqs).toEqual([...new Set(appliedSeqs)].sort((a, b) => a - b));
      expect(seqs(applied.filter((e) => e.class !== 'telemetry'))).toEqual(kept);
      expect(inbox.held).toEqual([]);
    },
  );
});
