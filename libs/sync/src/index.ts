/**
 * Sync protocol between a gateway and central (docs/architecture.md "Sync"): versioned message schemas and the pure rules each
 * side follows. No I/O and no clock: the apps persist, send, and pass `now`.
 *
 * Flow of one connection (the gateway dials out over WebSocket; its credential is checked on the upgrade request):
 * 1. gateway → `hello` (its id, last applied desired version, outbox range and incarnation, clock); central →
 *    `welcome` (accepted or refused with a reason). Central feeds the outbox range to its inbox (`receiveHello`): seqs
 *    the gateway no longer has are not waited for, and an outbox that started over opens a new inbox epoch.
 * 2. Desired state (config, schedules, overrides) is versioned by central. `planDesiredUpdate` picks nothing, a
 *    `desired.delta` (when the change log links the gateway's version to the current one) or a `desired.snapshot`.
 *    The gateway's `receiveDesired` applies newer versions only, a delta only on its exact base version, and answers
 *    `desired.applied`, or `desired.resync` on a gap (central then sends a snapshot). After applying, the gateway
 *    reconciles every point (level-triggered), so a lost message causes no lasting drift.
 * 3. Reported state goes up through the gateway's `Outbox`: each message gets the next seq, is persisted before it
 *    is sent, and is deleted only when acknowledged. `nextBatch` drains in seq order at a limited rate, as `report`
 *    frames whose `after` field tells central which gaps will never fill (downsampled telemetry). Central's inbox
 *    (`receiveReport`) dedupes on (gatewayId, epoch, seq), releases messages in seq order only, and answers `ack` (applied
 *    prefix + held seqs) once its state is stored. On reconnect the gateway `rewind`s and resends what is unacked.
 * 4. Commands go down with an id and a `notAfter`. Central tracks queued → sent → applied | failed | expired |
 *    refused (`transitionCommand`, `planCommandDelivery` resends unfinished ones on reconnect only); the gateway admits
 *    each id once (`admitCommand`), expires late ones without running them, and reports the result via its outbox.
 * 5. `clock.ping`/`clock.pong` measure skew (`clockSample`); it is reported, never used to order anything: order
 *    comes from seqs and versions only.
 */
export * from './clock/clock-skew';
export * from './command/command-ledger';
export * from './command/command-lifecycle';
export * from './desired/desired-state';
export * from './inbox/inbox';
export * from './outbox/drain-rate';
export * from './outbox/outbox';
export * from './protocol/bucket.message';
export * from './protocol/clock.message';
export * from './protocol/command.message';
export * from './protocol/commissioning-report.message';
export * from './protocol/common.schema';
export * from './protocol/desired.message';
export * from './protocol/hello.message';
export * from './protocol/parse-frame';
export * from './protocol/report.message';
export * from './protocol/sync.message';
export * from './protocol/welcome.message';
export * from './sync.exception';
