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
