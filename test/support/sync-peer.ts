import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ackFor,
  type CentralMessage,
  clockPong,
  type CommandV1,
  emptyInbox,
  encodeMessage,
  type GatewayMessage,
  type HelloV1,
  type InboxState,
  type OutboxEnvelope,
  parseGatewayFrame,
  receiveHello,
  receiveReport,
  type ReportV1,
  SyncException,
  type WelcomeRefusal,
} from '@beffroi/sync';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

const FRAME_LIMITS = { maxBytes: 4 * 1024 * 1024 };

export interface SyncPeerOptions {
  gatewayId: string;
  /** The bearer credential the upgrade must carry (and that enrolment hands out). */
  credential: string;
  /** `POST /api/enrolment` exchanges this code (once) for `credential`. */
  enrolmentCode?: string;
  communeInsee?: string;
}

/**
 * A small but real central for gateway tests: an HTTP server on 127.0.0.1 (port 0) serving `POST /api/enrolment` and
 * the `/api/sync` WebSocket, which checks the bearer credential, parses every frame with libs/sync, keeps an inbox
 * (receiveHello / receiveReport / ackFor) and answers hello, reports and clock pings as central does. Tests drive it:
 * send desired state and commands, refuse, go down and up, drop the connection, send garbage.
 */
export class SyncPeer {
  /** Every frame parsed from the gateway, in arrival order. */
  readonly frames: GatewayMessage[] = [];
  /** Frames that did not parse, with the reason. */
  readonly badFrames: string[] = [];
  /** Messages released by the inbox, in seq order, each once. */
  readonly applied: OutboxEnvelope[] = [];
  /** Seqs received again after they were applied or held. */
  readonly duplicates: number[] = [];
  readonly hellos: HelloV1[] = [];
  readonly enrolments: { code: unknown; gatewayId: unknown; status: number }[] = [];
  inbox: InboxState;
  /** Upgrade requests seen, accepted or not. */
  upgrades = 0;
  /** Acknowledge reports once stored (a central that stores but whose acks get lost: false). */
  autoAck = true;
  /** Store reports in the inbox (a central that loses what it receives, e.g. crashing before its commit: false). */
  storeReports = true;
  /** Central's desired-state version, announced in the welcome. */
  desiredVersion = 0;
  /** When set, the welcome refuses with this reason and the connection closes with 4401. */
  refusal: WelcomeRefusal | undefined;
  private accepting = true;
  private socket: WebSocket | undefined;
  /** The socket the last accepted welcome went to. */
  private welcomed: WebSocket | undefined;
  private readonly enrolled = new Set<string>();
  private codeUsed = false;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(private readonly options: SyncPeerOptions) {
    this.inbox = emptyInbox(options.gatewayId);
    this.server = createServer((request, response) => void this.http(request, response));
    this.server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  static async start(options: SyncPeerOptions): Promise<SyncPeer> {
    const peer = new SyncPeer(options);
    await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * A gateway is connected once this peer has welcomed it on its current socket: the gateway drops anything central
   * sends before the welcome (a command sent at the upgrade would be lost).
   */
  get connected(): boolean {
    return this.socket !== undefined && this.welcomed === this.socket;
  }

  /** Envelopes of one class released by the inbox. */
  appliedOf<C extends OutboxEnvelope['class']>(cls: C): Extract<OutboxEnvelope, { class: C }>[] {
    return this.applied.filter((e): e is Extract<OutboxEnvelope, { class: C }> => e.class === cls);
  }

  /** Frames of one type received from the gateway. */
  framesOf<T extends GatewayMessage['type']>(type: T): Extract<GatewayMessage, { type: T }>[] {
    return this.frames.filter((f): f is Extract<GatewayMessage, { type: T }> => f.type === type);
  }

  /** Every envelope the gateway sent, duplicates included, in arrival order. */
  sentEnvelopes(): OutboxEnvelope[] {
    return this.framesOf('report').flatMap((report) => report.messages);
  }

  send(message: CentralMessage): void {
    this.sendRaw(encodeMessage(message));
  }

  sendRaw(data: string | Buffer): void {
    if (this.socket === undefined) throw new Error('no gateway connected');
    this.socket.send(data);
  }

  /**
   * A command from central (a `switch` to true unless told otherwise, for good unless given an `until`: an output
   * without a schedule has no next transition to end at), valid for a minute.
   */
  command(fields: { id: string; pointKey: string } & Partial<Record<string, unknown>>): CommandV1 {
    const now = Date.now();
    const action = fields.action ?? 'switch';
    return {
      type: 'command',
      v: 1,
      action,
      ...(action === 'release' ? {} : { value: true }),
      ...(action === 'switch' && fields.until === undefined ? { permanent: true } : {}),
      issuedAt: new Date(now).toISOString(),
      notAfter: new Date(now + 60_000).toISOString(),
      ...fields,
    } as CommandV1;
  }

  /** Cuts the current connection (no close handshake). */
  drop(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** Central unreachable: the connection is cut and upgrades are answered 503 until {@link up}. */
  down(): void {
    this.accepting = false;
    this.drop();
  }

  up(): void {
    this.accepting = true;
  }

  async close(): Promise<void> {
    this.drop();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async http(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/api/enrolment') {
      reply(404, { message: 'not found' });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: { code?: unknown; gatewayId?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      body = {};
    }
    const answer = (status: number, payload: unknown) => {
      this.enrolments.push({ code: body.code, gatewayId: body.gatewayId, status });
      reply(status, payload);
    };
    if (typeof body.code !== 'string' || typeof body.gatewayId !== 'string') {
      answer(400, { message: 'expected {"code": "...", "gatewayId": "..."}' });
    } else if (this.options.enrolmentCode === undefined || body.code !== this.options.enrolmentCode || this.codeUsed) {
      answer(401, { message: 'unknown, used or expired enrolment code' });
    } else if (this.enrolled.has(body.gatewayId)) {
      answer(409, { message: `gateway ${body.gatewayId} is already enrolled` });
    } else {
      this.codeUsed = true;
      this.enrolled.add(body.gatewayId);
      answer(201, {
        gatewayId: body.gatewayId,
        credential: this.options.credential,
        communeInsee: this.options.communeInsee ?? '02691',
      });
    }
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    this.upgrades += 1;
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!this.accepting) {
      refuse(503, 'Service Unavailable');
      return;
    }
    if (request.url !== '/api/sync') {
      refuse(404, 'Not Found');
      return;
    }
    if (request.headers.authorization !== `Bearer ${this.options.credential}`) {
      refuse(401, 'Unauthorized');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.socket?.terminate();
      this.socket = ws;
      ws.on('message', (data: RawData) => this.receive(ws, data));
      ws.on('close', () => {
        if (this.socket === ws) this.socket = undefined;
      });
    });
  }

  private receive(ws: WebSocket, data: RawData): void {
    let message: GatewayMessage;
    try {
      message = parseGatewayFrame(Array.isArray(data) ? Buffer.concat(data) : (data as Buffer), FRAME_LIMITS);
    } catch (error) {
      if (!(error instanceof SyncException)) throw error;
      this.badFrames.push(error.message);
      return;
    }
    this.frames.push(message);
    const reply = (m: CentralMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(m));
    };
    switch (message.type) {
      case 'hello': {
        this.hellos.push(message);
        if (this.refusal !== undefined || message.gatewayId !== this.options.gatewayId) {
          const reason = this.refusal ?? 'gateway-mismatch';
          reply({ type: 'welcome', v: 1, result: 'refused', reason, message: `refused by the test peer: ${reason}` });
          ws.close(4401, reason);
          return;
        }
        const step = receiveHello(this.inbox, message.outbox, message.incarnation);
        this.inbox = step.state;
        this.applied.push(...step.ready);
        reply({
          type: 'welcome',
          v: 1,
          result: 'accepted',
          gatewayId: message.gatewayId,
          protocolVersion: Math.min(1, message.protocolVersion),
          desiredVersion: this.desiredVersion,
          serverTime: new Date().toISOString(),
        });
        this.welcomed = ws;
        if (this.autoAck) reply(ackFor(this.inbox));
        return;
      }
      case 'report':
        this.report(message, reply);
        return;
      case 'clock.ping':
        reply(clockPong(message, new Date()));
        return;
      case 'desired.applied':
      case 'desired.resync':
      case 'desired.result':
      case 'catalogue':
      case 'clock.pong':
        return;
    }
  }

  private report(report: ReportV1, reply: (m: CentralMessage) => void): void {
    if (!this.storeReports) return;
    try {
      const step = receiveReport(this.inbox, report);
      this.inbox = step.state;
      this.applied.push(...step.ready);
      this.duplicates.push(...step.duplicates);
      if (this.autoAck) reply(step.ack);
    } catch (error) {
      if (!(error instanceof SyncException)) throw error;
      this.badFrames.push(error.message);
    }
  }
}
