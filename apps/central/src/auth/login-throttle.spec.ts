import { LoginThrottle, type ThrottlePolicy } from './login-throttle';

const POLICY: ThrottlePolicy = {
  perLogin: { freeFailures: 3, lockAfter: 6, concurrent: 2 },
  perAddress: { freeFailures: 10, lockAfter: 50, concurrent: 4 },
  baseDelay: 1_000,
  maxDelay: 8_000,
  lockFor: 900_000,
  forgetAfter: 3_600_000,
};
const T0 = Date.parse('2027-01-10T09:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

/** Fails `login` once at `ms` from `address`, asserting the attempt was admitted. */
function failOnce(throttle: LoginThrottle, login: string, ms: number, address = '192.0.2.1') {
  expect(throttle.admit(login, address, at(ms))).toBeUndefined();
  return throttle.failed(login, address, at(ms));
}

describe('LoginThrottle', () => {
  it('lets the free failures through without a wait', () => {
    const throttle = new LoginThrottle(POLICY);
    for (let i = 0; i < 3; i++) failOnce(throttle, 'agent@02691', i);
    failOnce(throttle, 'agent@02691', 3);
    expect(throttle.admit('agent@02691', '192.0.2.1', at(4))).toMatchObject({ reason: 'delayed', retryAfter: 1 });
  });

  it('doubles the wait with each failure past the free ones, up to the maximum', () => {
    const throttle = new LoginThrottle({ ...POLICY, perLogin: { ...POLICY.perLogin, lockAfter: 100 } });
    let ms = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      failOnce(throttle, 'agent@02691', ms);
      const refusal = throttle.check('agent@02691', '192.0.2.1', at(ms));
      waits.push(refusal?.retryAfter ?? 0);
      ms += (refusal?.retryAfter ?? 0) * 1000;
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 8]);
  });

  it('locks a login after repeated failures, even for the right password, until the lock ends', () => {
    const throttle = new LoginThrottle(POLICY);
    let locked;
    for (let i = 0; i < 6; i++) locked = failOnce(throttle, 'agent@02691', i * 10_000);
    expect(locked?.lockedLogin).toEqual({ login: 'agent@02691', until: at(50_000 + 900_000) });
    expect(throttle.admit('agent@02691', '198.51.100.7', at(60_000))).toMatchObject({
      key: 'login:agent@02691',
      reason: 'locked',
      retryAfter: 890,
    });
    expect(throttle.admit('agent@02691', '198.51.100.7', at(950_000))).toBeUndefined();
  });

  it('throttles an address trying many logins, without touching the logins of others', () => {
    const throttle = new LoginThrottle(POLICY);
    for (let i = 0; i < 11; i++) failOnce(throttle, `guess-${i}`, i, '203.0.113.9');
    expect(throttle.admit('guess-99', '203.0.113.9', at(11))).toMatchObject({ key: 'address:203.0.113.9' });
    expect(throttle.admit('agent@02691', '192.0.2.1', at(10))).toBeUndefined();
  });

  it('refuses attempts beyond the concurrent bound at once instead of queueing them', () => {
    const throttle = new LoginThrottle(POLICY);
    expect(throttle.admit('agent@02691', '192.0.2.1', at(0))).toBeUndefined();
    expect(throttle.admit('agent@02691', '192.0.2.1', at(0))).toBeUndefined();
    expect(throttle.admit('agent@02691', '192.0.2.1', at(0))).toMatchObject({ reason: 'busy', retryAfter: 1 });
    throttle.succeeded('agent@02691', '192.0.2.1', at(1));
    expect(throttle.admit('agent@02691', '192.0.2.1', at(1))).toBeUndefined();
  });

  it('starts a login again from zero after the right password, but not its address', () => {
    const throttle = new LoginThrottle({ ...POLICY, perAddress: { ...POLICY.perAddress, freeFailures: 3 } });
    for (let i = 0; i < 4; i++) failOnce(throttle, 'agent@02691', i);
    expect(throttle.admit('agent@02691', '192.0.2.2', at(5_000))).toBeUndefined();
    throttle.succeeded('agent@02691', '192.0.2.2', at(5_000));
    failOnce(throttle, 'agent@02691', 5_001);
    expect(throttle.check('other', '192.0.2.1', at(5_001))).toMatchObject({ key: 'address:192.0.2.1', retryAfter: 2 });
    expect(throttle.check('agent@02691', '192.0.2.3', at(5_001))).toBeUndefined();
  });

  it('forgets a key whose last failure is older than forgetAfter', () => {
    const throttle = new LoginThrottle(POLICY);
    for (let i = 0; i < 5; i++) failOnce(throttle, 'agent@02691', i * 20_000);
    throttle.prune(at(80_000 + 3_600_000));
    for (let i = 0; i < 4; i++) failOnce(throttle, 'agent@02691', 3_700_000 + i);
    expect(throttle.check('agent@02691', '192.0.2.1', at(3_700_004))).toMatchObject({ reason: 'delayed' });
  });
});
