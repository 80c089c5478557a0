import { frCommissioning } from '../i18n/fr-commissioning';
import { GatewayFailure } from './gateway-client';

const WORDS = frCommissioning.errors;

/** What went wrong with a call of the gateway's local API, said in French, and the gateway's own detail if any. */
export interface FailureText {
  readonly text: string;
  readonly detail: string | undefined;
}

const BY_CODE: Readonly<Record<string, string>> = {
  ENROLMENT_CODE_REFUSED: WORDS.codeRefused,
  ALREADY_ENROLLED: WORDS.alreadyEnrolled,
  NO_CENTRAL: WORDS.noCentral,
  ENROLMENT_RUNNING: WORDS.enrolmentRunning,
  CENTRAL_UNREACHABLE: WORDS.centralUnreachable,
  BUS_POLLED: WORDS.busPolled,
  SCAN_RUNNING: WORDS.scanRunning,
  UNKNOWN_SCAN: WORDS.unknownScan,
  FORBIDDEN: WORDS.forbidden,
  LIVE_CHECK_FAILED: WORDS.liveCheckFailed,
  CONFIG_REFUSED: WORDS.configRefused,
  CONFIG_NOT_WRITTEN: WORDS.configNotWritten,
  UNKNOWN_EQUIPMENT: WORDS.unknownEquipment,
  TEST_RUNNING: WORDS.testRunning,
  LOCKED_OUT: WORDS.lockedOut,
  NO_PROMPT: WORDS.noPrompt,
  UNKNOWN_TEST: WORDS.unknownTest,
  UNKNOWN_REPORT: WORDS.unknownReport,
};

/**
 * A failure in the engineer's words: the gateway's refusals by their code (the 409s of a scan, an enrolment's
 * outcome…), a request it finds invalid with the fields it names, a network failure. The gateway's message (English,
 * naming the bus, the scan, who started it) is kept as the detail.
 */
export function failureText(error: unknown): FailureText {
  if (!(error instanceof GatewayFailure)) return { text: WORDS.network, detail: undefined };
  const known = BY_CODE[error.code];
  if (known !== undefined) return { text: known, detail: error.message };
  if (error.code === 'INVALID_REQUEST') {
    const fields = error.problems.map((problem) => `${problem.path} : ${problem.message}`).join(' ; ');
    return { text: `${WORDS.invalid} ${fields === '' ? error.message : fields}`, detail: undefined };
  }
  return { text: `${WORDS.other} ${error.status}`, detail: error.message };
}

/**
 * One call of a page to the gateway, its failure said in French ({@link failureText}) rather than thrown: `undefined`
 * once it went through. A page sets its failure to the answer (`failure = await attempt(…)`), which clears the last one.
 */
export async function attempt(call: () => Promise<unknown>): Promise<FailureText | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return failureText(error);
  }
}
