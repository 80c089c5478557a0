import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { type WebSocket, WebSocketServer } from 'ws';
import { secretHash } from '../auth/secrets';
import { CentralConfig } from '../central.config';
import { Clock } from '@beffroi/runtime';
import { CommandService } from '../commands/command.service';
import { DesiredService } from '../desired/desired.service';
import { EventBus } from '../events.service';
import { CatalogueService } from '../gateways/catalogue.service';
import { CommuneEntity, GatewayEntity } from '../store/entities';
import { OfflineAlarms } from './offline-alarm.service';
import { ReportService } from './report.service';
import { SyncPresence } from './sync-presence';
import { SyncSession } from './sync.session';

export const SYNC_PATH = '/api/sync';

/**
 * The sync endpoint: gateways dial `ws(s)://<central>/api/sync` with `Authorization: Bearer <credential>`. A request
 * without a bearer credential is refused at the upgrade (401); a credential is checked against the hello that
 * follows, and a refusal is answered with a `welcome` saying why before the socket closes (4401).
 */
@Injectable()
export class SyncServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncServer.name);
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Set<SyncSession>();
  private stopping = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: CentralConfig,
    private readonly presence: SyncPresence,
    private readonly reports: ReportService,
    private readonly offlineAlarms: OfflineAlarms,
    private readonly commands: CommandService,
    private readonly desired: DesiredService,
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly catalogues: CatalogueService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.config.sync.maxFrameBytes });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(request, socket, head);
    });
  }

  /** Closes every gateway connection and lets the frames already received finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.presence.closeAll('central is shutting down');
    for (const session of this.sessions) session.close(1001, 'central is shutting down');
    this.wss?.close();
    await Promise.all([...this.sessions].map((session) => session.settled()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== SYNC_PATH) {
      refuse(socket, 404, `no WebSocket endpoint at ${path ?? ''}; sync is ${SYNC_PATH}`);
      return;
    }
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ') !== true || header.length <= 'Bearer '.length) {
      refuse(socket, 401, 'missing "Authorization: Bearer <gateway credential>" header');
      return;
    }
    const credentialHash = secretHash(header.slice('Bearer '.length).trim());
    this.wss?.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const session = new SyncSession(ws, credentialHash, {
        config: this.config.sync,
        presence: this.presence,
        reports: this.reports,
        offlineAlarms: this.offlineAlarms,
        commands: this.commands,
        desired: this.desired,
        catalogues: this.catalogues,
        events: this.events,
        clock: this.clock,
        gatewayByCredential: (hash) => this.dataSource.getRepository(GatewayEntity).findOneBy({ credentialHash: hash }),
        communeOf: (insee) => this.dataSource.getRepository(CommuneEntity).findOneByOrFail({ insee }),
        seen: (gatewayId, fields) =>
          this.dataSource.transaction((manager) =>
            manager.getRepository(GatewayEntity).update({ id: gatewayId }, fields),
          ),
        logger: this.logger,
        stopping: () => this.stopping,
      });
      this.sessions.add(session);
      ws.once('close', () => this.sessions.delete(session));
    });
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ code: status === 401 ? 'UNAUTHENTICATED' : 'NOT_FOUND', message });
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
