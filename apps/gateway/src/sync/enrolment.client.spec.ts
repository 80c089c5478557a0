import { centralEndpoint } from './enrolment.client';

describe('central endpoints', () => {
  it.each([
    ['http://127.0.0.1:8080', 'api/enrolment', undefined, 'http://127.0.0.1:8080/api/enrolment'],
    ['http://127.0.0.1:8080/', 'api/sync', 'ws', 'ws://127.0.0.1:8080/api/sync'],
    ['https://central.example.fr', 'api/sync', 'ws', 'wss://central.example.fr/api/sync'],
    ['https://example.fr/beffroi', 'api/sync', 'ws', 'wss://example.fr/beffroi/api/sync'],
    ['wss://central.example.fr', 'api/sync', 'ws', 'wss://central.example.fr/api/sync'],
    ['wss://central.example.fr:8443', 'api/enrolment', undefined, 'https://central.example.fr:8443/api/enrolment'],
    ['ws://127.0.0.1:8080', 'api/enrolment', undefined, 'http://127.0.0.1:8080/api/enrolment'],
  ] as const)('%s + %s (%s) → %s', (base, path, protocol, expected) => {
    expect(centralEndpoint(base, path, protocol)).toBe(expected);
  });
});
