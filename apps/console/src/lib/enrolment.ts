/**
 * What to add to a gateway's config file (its `central` section) so that it enrols into the commune with `code` at
 * its next start: central's address (the console's own origin), the credential file it will keep, and the code.
 */
export function enrolmentConfig(centralUrl: string, code: string): string {
  return [
    'central:',
    `  url: ${centralUrl}`,
    '  credentialFile: var/gateway-credential',
    `  enrolmentCode: ${code}`,
  ].join('\n');
}
