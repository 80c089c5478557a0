import { z } from 'zod';

/** A call of the gateway's local API answered with an error: its status, the gateway's code, message and problems. */
export class GatewayFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly { readonly path: string; readonly message: string }[] = [],
  ) {
    super(message);
    this.name = 'GatewayFailure';
  }
}

const errorAnswer = z.object({
  code: z.string(),
  message: z.string(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
});

/** `GET /health` (public): who the gateway is, before any login. */
export const gatewayHealth = z.object({
  gatewayId: z.string(),
  commune: z.object({ insee: z.string(), name: z.string() }),
  buses: z.array(z.unknown()),
  equipment: z.number(),
  localApi: z.object({ tls: z.boolean(), fingerprint: z.string().nullable().optional() }).loose(),
});
export type GatewayHealth = z.output<typeof gatewayHealth>;

/** `GET /sync`: the sync with central as the gateway sees it (the parts the pages show). */
export const gatewaySync = z
  .object({
    configured: z.boolean(),
    central: z.string().optional(),
    state: z.string(),
    status: z.string(),
    enrolled: z.boolean(),
  })
  .loose();
export type GatewaySync = z.output<typeof gatewaySync>;

/** `POST /sync/enrolment`: enrolled. */
export const pageEnrolled = z.object({
  gatewayId: z.string(),
  communeInsee: z.string(),
  central: z.string(),
  state: z.string(),
});
export type PageEnrolled = z.output<typeof pageEnrolled>;

const profileProposal = z.object({ profileId: z.string(), name: z.string(), matched: z.array(z.string()) });
const identity = z
  .object({
    vendorName: z.string(),
    productCode: z.string(),
    revision: z.string(),
    productName: z.string().optional(),
    modelName: z.string().optional(),
  })
  .loose();
const line = z.object({
  baudRate: z.number(),
  parity: z.enum(['none', 'even', 'odd']),
  dataBits: z.number(),
  stopBits: z.number(),
});

/** A Modbus unit that answered, with its identity and the profiles that recognise it. */
export const scannedUnit = z
  .object({
    unit: z.number(),
    line: line.optional(),
    answer: z.enum(['data', 'exception']),
    exception: z.object({ code: z.number(), meaning: z.string() }).optional(),
    identity: identity.optional(),
    identityError: z.string().optional(),
    profiles: z.array(profileProposal),
  })
  .loose();
export type ScannedUnit = z.output<typeof scannedUnit>;

const opcuaResult = z
  .object({
    endpoints: z.array(
      z.object({ endpointUrl: z.string(), securityMode: z.string(), securityPolicy: z.string() }).loose(),
    ),
    identity: z.object({ vendorName: z.string(), productName: z.string(), revision: z.string() }).loose().optional(),
    nodes: z.array(z.object({ browseName: z.string() }).loose()),
    sessionError: z.string().optional(),
    profiles: z.array(profileProposal),
  })
  .loose();

/** `GET /commissioning/scans/:id`: a scan, its progress and what it found so far. */
export const scanView = z
  .object({
    id: z.string(),
    kind: z.enum(['rtu', 'tcp', 'opcua']),
    target: z.string(),
    state: z.enum(['running', 'done', 'stopped', 'failed']),
    startedBy: z.string(),
    progress: z.object({ done: z.number(), total: z.number() }),
    found: z.array(scannedUnit),
    garbled: z.array(z.object({ unit: z.number(), reason: z.string() }).loose()),
    opcua: opcuaResult.optional(),
    error: z.string().optional(),
  })
  .loose();
export type ScanView = z.output<typeof scanView>;

/** `POST /commissioning/identify` for a Modbus unit: answered with its identity, or silent. */
export const identifyAnswer = z.union([
  scannedUnit.extend({ answered: z.literal(true) }),
  z.object({ unit: z.number(), answered: z.literal(false), reason: z.string() }).loose(),
]);
export type IdentifyAnswer = z.output<typeof identifyAnswer>;

const scanStarted = z.object({ id: z.string() }).loose();

const scalar = z.union([z.boolean(), z.number(), z.string()]);

/** One point of a live check: read and plausible (`good`), not read (`error`), or read out of bounds (`implausible`). */
export const pointCheck = z
  .object({
    point: z.string(),
    name: z.string().optional(),
    status: z.enum(['good', 'error', 'implausible']),
    value: scalar.optional(),
    reason: z.string().optional(),
  })
  .loose();
export type PointCheck = z.output<typeof pointCheck>;

/** `POST /commissioning/checks`: every point of the profile read once from the device. */
export const checkAnswer = z
  .object({
    bus: z.string(),
    busState: z.enum(['existing', 'new']),
    unit: z.number().optional(),
    profile: z.string(),
    checkedAt: z.string(),
    ok: z.boolean(),
    points: z.array(pointCheck),
  })
  .loose();
export type CheckAnswer = z.output<typeof checkAnswer>;

/** `POST /commissioning/equipment`: the equipment written, its bus, the backup of the file before, the check. */
export const bindAnswer = z
  .object({
    equipment: z.object({ id: z.string(), name: z.string().optional(), profile: z.string() }).loose(),
    bus: z.string(),
    newBus: z.boolean(),
    backup: z.string(),
    forced: z.boolean(),
    check: checkAnswer,
  })
  .loose();
export type BindAnswer = z.output<typeof bindAnswer>;

/** `DELETE /commissioning/equipment/:id`. */
export const unbindAnswer = z
  .object({ equipment: z.string(), bus: z.string(), busRemoved: z.boolean(), backup: z.string() })
  .loose();
export type UnbindAnswer = z.output<typeof unbindAnswer>;

/** `GET /commissioning/config-history`: the backups of the config file, newest first, with the change of each. */
export const configHistory = z.array(
  z
    .object({
      file: z.string(),
      bytes: z.number(),
      change: z
        .object({
          at: z.string(),
          action: z.enum(['bind', 'unbind']),
          equipment: z.string(),
          by: z.string(),
          forcedOver: z.array(z.object({ point: z.string(), status: z.string() }).loose()).optional(),
        })
        .loose()
        .optional(),
    })
    .loose(),
);
export type ConfigHistory = z.output<typeof configHistory>;

/** `GET /commissioning/choices`: the sites and the profiles a binding may name. */
export const bindChoices = z.object({
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  profiles: z.array(
    z
      .object({
        id: z.string(),
        name: z.string(),
        protocol: z.enum(['modbus', 'opcua']),
        vendor: z.string().optional(),
        model: z.string().optional(),
        points: z.array(z.object({ id: z.string(), name: z.string().optional(), kind: z.string() })),
      })
      .loose(),
  ),
});
export type BindChoices = z.output<typeof bindChoices>;

/** `GET /equipment`: each equipment of the config, whether it answers, and its points. */
export const equipmentList = z.array(
  z
    .object({
      id: z.string(),
      name: z.string(),
      profile: z.string(),
      busId: z.string(),
      protocol: z.string(),
      site: z.string().optional(),
      unit: z.number().optional(),
      online: z.boolean(),
      offlineReason: z.string().optional(),
      points: z.array(z.object({ key: z.string(), quality: z.object({ status: z.string() }).loose() }).loose()),
    })
    .loose(),
);
export type EquipmentSummary = z.output<typeof equipmentList>[number];

/** One step of a test run: what it tests, its outcome, its latencies and what was seen (French). */
export const testStep = z
  .object({
    index: z.number(),
    equipment: z.string(),
    kind: z.enum(['circuit', 'setpoint', 'strike', 'alarm', 'restore']),
    key: z.string(),
    name: z.string(),
    state: z.enum(['pending', 'running', 'awaiting', 'passed', 'failed', 'skipped']),
    latencyMs: z.record(z.string(), z.number()),
    detail: z.string().optional(),
    prompt: z.string().optional(),
  })
  .loose();
export type TestStep = z.output<typeof testStep>;

/** `GET /commissioning/tests/:id`: a run of the test sequence under lock-out. */
export const testRun = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'passed', 'failed', 'aborted']),
    equipment: z.array(z.string()),
    startedBy: z.string(),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    prompt: z.object({ step: z.number(), text: z.string() }).nullable(),
    summary: z.object({ passed: z.number(), failed: z.number(), skipped: z.number(), pending: z.number() }),
    steps: z.array(testStep),
  })
  .loose();
export type TestRun = z.output<typeof testRun>;

/** `GET /commissioning/reports`: the procès-verbaux, newest first, with their links. */
export const reportList = z.array(
  z
    .object({
      id: z.string(),
      createdAt: z.string(),
      run: z.object({ id: z.string(), state: z.string(), startedBy: z.string() }).loose(),
      engineer: z.string(),
      links: z.object({ json: z.string(), html: z.string(), pdf: z.string() }),
    })
    .loose(),
);
export type ReportSummary = z.output<typeof reportList>[number];

/** `GET /outputs`: each output and who wins its priority array (slot 8 is the maintenance lock-out). */
export const outputList = z.array(
  z.object({ key: z.string(), slot: z.number(), slotName: z.string(), owner: z.string().optional() }).loose(),
);
export type OutputSummary = z.output<typeof outputList>[number];

const reportCreated = z.object({ id: z.string(), createdAt: z.string() }).loose();

export interface GatewayClientOptions {
  /** The `Authorization` header of the session, if logged in. */
  readonly authorization: () => string | undefined;
  /** Called when the gateway refuses the session's credential (401). */
  readonly onUnauthenticated: () => void;
  readonly fetch?: typeof fetch;
}

/** The commissioning pages' client of the gateway's local API (same origin): every answer parsed. */
export class GatewayClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  health(): Promise<GatewayHealth> {
    return this.call('GET', '/health', gatewayHealth);
  }

  /**
   * Checks a credential before keeping it: `GET /sync` with it, its 401 a {@link GatewayFailure} rather than an
   * expired session.
   */
  check(authorization: string): Promise<GatewaySync> {
    return this.call('GET', '/sync', gatewaySync, undefined, authorization);
  }

  sync(): Promise<GatewaySync> {
    return this.call('GET', '/sync', gatewaySync);
  }

  enrol(code: string): Promise<PageEnrolled> {
    return this.call('POST', '/sync/enrolment', pageEnrolled, { code });
  }

  startScan(request: unknown): Promise<{ id: string }> {
    return this.call('POST', '/commissioning/scans', scanStarted, request);
  }

  scan(id: string): Promise<ScanView> {
    return this.call('GET', `/commissioning/scans/${encodeURIComponent(id)}`, scanView);
  }

  stopScan(id: string): Promise<ScanView> {
    return this.call('DELETE', `/commissioning/scans/${encodeURIComponent(id)}`, scanView);
  }

  identify(request: unknown): Promise<IdentifyAnswer> {
    return this.call('POST', '/commissioning/identify', identifyAnswer, request);
  }

  checkDevice(request: unknown): Promise<CheckAnswer> {
    return this.call('POST', '/commissioning/checks', checkAnswer, request);
  }

  bind(request: unknown): Promise<BindAnswer> {
    return this.call('POST', '/commissioning/equipment', bindAnswer, request);
  }

  unbind(id: string): Promise<UnbindAnswer> {
    return this.call('DELETE', `/commissioning/equipment/${encodeURIComponent(id)}`, unbindAnswer);
  }

  configHistory(): Promise<ConfigHistory> {
    return this.call('GET', '/commissioning/config-history', configHistory);
  }

  choices(): Promise<BindChoices> {
    return this.call('GET', '/commissioning/choices', bindChoices);
  }

  equipment(): Promise<z.output<typeof equipmentList>> {
    return this.call('GET', '/equipment', equipmentList);
  }

  startTest(equipment: string): Promise<TestRun> {
    return this.call('POST', '/commissioning/tests', testRun, { equipment });
  }

  tests(): Promise<TestRun[]> {
    return this.call('GET', '/commissioning/tests', z.array(testRun));
  }

  test(id: string): Promise<TestRun> {
    return this.call('GET', `/commissioning/tests/${encodeURIComponent(id)}`, testRun);
  }

  answerTest(id: string, answer: 'confirm' | 'skip'): Promise<TestRun> {
    return this.call('POST', `/commissioning/tests/${encodeURIComponent(id)}/answer`, testRun, { answer });
  }

  abortTest(id: string): Promise<TestRun> {
    return this.call('DELETE', `/commissioning/tests/${encodeURIComponent(id)}`, testRun);
  }

  outputs(): Promise<OutputSummary[]> {
    return this.call('GET', '/outputs', outputList);
  }

  createReport(request: unknown): Promise<{ id: string; createdAt: string }> {
    return this.call('POST', '/commissioning/reports', reportCreated, request);
  }

  reports(): Promise<ReportSummary[]> {
    return this.call('GET', '/commissioning/reports', reportList);
  }

  /**
   * A file of the local API (a procès-verbal's page or PDF, a link the gateway gave), fetched with the session's
   * credential: a plain link would be sent without it, since the credential is never a cookie.
   */
  async file(path: string): Promise<Blob> {
    const authorization = this.options.authorization();
    const response = await this.fetch(path, { headers: authorization === undefined ? {} : { authorization } });
    if (!response.ok) {
      const error = errorAnswer.safeParse(await response.json().catch(() => undefined));
      if (response.status === 401) this.options.onUnauthenticated();
      throw error.success
        ? new GatewayFailure(response.status, error.data.code, error.data.message, error.data.problems)
        : new GatewayFailure(response.status, 'HTTP', `GET ${path}: ${response.status}`);
    }
    return response.blob();
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    checking?: string,
  ): Promise<z.output<S>> {
    const authorization = checking ?? this.options.authorization();
    const response = await this.fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = errorAnswer.safeParse(json);
      const failure = error.success
        ? new GatewayFailure(response.status, error.data.code, error.data.message, error.data.problems)
        : new GatewayFailure(response.status, 'HTTP', `${method} ${path}: ${response.status}`);
      if (response.status === 401 && checking === undefined) this.options.onUnauthenticated();
      throw failure;
    }
    return schema.parse(json);
  }
}
