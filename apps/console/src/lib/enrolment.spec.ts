import { enrolmentConfig } from './enrolment';

describe('enrolmentConfig', () => {
  it("gives the central section of a gateway's config with central's address and the one-time code", () => {
    expect(enrolmentConfig('https://central.example.org', 'ABCD-EFGH-JKLM-NPQR')).toBe(
      [
        'central:',
        '  url: https://central.example.org',
        '  credentialFile: var/gateway-credential',
        '  enrolmentCode: ABCD-EFGH-JKLM-NPQR',
      ].join('\n'),
    );
  });
});
