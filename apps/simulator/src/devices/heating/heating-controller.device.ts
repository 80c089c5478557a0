import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { intIn, numberIn } from '@beffroi/domain';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { OPCUAServer, type ServerSession } from 'node-opcua-server';
import { z } from 'zod';
import type { Clock } from '@beffroi/runtime';
import type { HeatingControllerConfig } from '../../simulator.config';
import type { SimulatedDevice } from '../simulated-device';
import { addHeatingNodes, HEATING_NAMESPACE_URI } from './heating-address-space';
import { ThermalModel, type ZoneReading } from './thermal-model';

export interface HeatingControllerOptions {
  /**
   * Folder of the server's PKI (its own key and self-signed certificate, trust lists). Kept across starts so only the
   * very first one pays for the key. Default: `<os tmpdir>/beffroi-simulator/<device id>/pki`.
   */
  pkiDir?: string;
}

/** The physical inputs a person can change on site: the weather, a window opened in a zone, a controller fault. */
function heatingInputsSchema(zoneCount: number) {
  return z.strictObject({
    outdoorTemperature: numberIn(-40, 50, ' °C').optional(),
    /** The controller's fault contact (a burner lockout, a sensor failure): true until set back to false. */
    fault: z.boolean({ error: 'expected true | false' }).optional(),
    zones: z
      .array(z.strictObject({ zone: intIn(1, zoneCount), temperature: numberIn(-20, 40, ' °C').optional() }))
      .optional(),
  });
}

/** What OPC UA clients hold on the running server right now (fault tests check for leaks and duplicates). */
export interface HeatingClientStats {
  sessions: number;
  subscriptions: number;
  monitoredItems: number;
}

const SECURITY_MODES: Record<HeatingControllerConfig['securityModes'][number], MessageSecurityMode> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

export interface HeatingControllerState extends Record<string, unknown> {
  running: boolean;
  fault: boolean;
  outdoorTemperature: number;
  zones: ZoneReading[];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * A town-hall heating controller reached over OPC UA (binary; security None by default, Sign and SignAndEncrypt with
 * Basic256Sha256 when configured; anonymous and/or UserName login). Zone temperatures come from a
 * {@link ThermalModel} that keeps evolving whether the server is up or not.
 */
export class HeatingController implements SimulatedDevice {
  readonly kind = 'heating-controller';
  readonly inputsSchema: ReturnType<typeof heatingInputsSchema>;
  private readonly logger = new Logger(HeatingController.name);
  private readonly model: ThermalModel;
  private readonly pkiDir: string;
  private server: OPCUAServer | undefined;
  /** Trust store of the running server's own certificate and of client certificates. */
  private serverCertificates: OPCUACertificateManager | undefined;
  private readonly sessions = new Set<ServerSession>();
  private boundPort: number;
  /** Start and stop run one at a time, in call order. */
  private lifecycle: Promise<void> = Promise.resolve();
  private pendingRestart: AbortController | undefined;
  private fault = false;

  /** `clock` drives the thermal model (tests pass a ManualClock). */
  constructor(
    private readonly config: HeatingControllerConfig,
    clock: Clock,
    options: HeatingControllerOptions = {},
  ) {
    this.model = new ThermalModel(config, clock);
    this.pkiDir = options.pkiDir ?? join(tmpdir(), 'beffroi-simulator', config.id, 'pki');
    this.boundPort = config.port;
    this.inputsSchema = heatingInputsSchema(config.zones.length);
  }

  get id(): string {
    return this.config.id;
  }

  /** The port listened on; with port 0 configured, the one the system chose at the first start (0 before it). */
  get port(): number {
    return this.boundPort;
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.advertisedHost}:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The server's own certificate (PEM), created at the first start: clients must trust it to use Sign modes. */
  get certificateFile(): string {
    return join(this.serverPkiDir, 'own', 'certs', 'certificate.pem');
  }

  /** Sessions, subscriptions and monitored items held by clients on the running server (all 0 when stopped). */
  clientStats(): HeatingClientStats {
    const sessions = [...this.sessions];
    return {
      sessions: sessions.length,
      subscriptions: sessions.reduce((sum, session) => sum + session.currentSubscriptionCount, 0),
      monitoredItems: sessions.reduce((sum, session) => sum + session.currentMonitoredItemCount, 0),
    };
  }

  /**
   * Adds a client's certificate (DER) to the server's trust list, as an operator would on a real controller: needed
   * when `acceptUnknownClientCertificates` is false. Takes effect at once and survives restarts.
   */
  async trustClientCertificate(certificate: Buffer): Promise<void> {
    const running = this.serverCertificates;
    const manager = running ?? this.createCertificateManager('server');
    try {
      await manager.initialize();
      await manager.trustCertificate(certificate);
    } finally {
      if (!running) await manager.dispose();
    }
  }

  start(): Promise<void> {
    return this.serialize(async () => {
      if (this.server) return;
      const startedAt = Date.now();
      const server = this.createServer();
      await server.initialize();
      const addressSpace = server.engine.addressSpace;
      if (!addressSpace) throw new Error(`OPC UA server ${this.id} has no address space after initialization`);
      addHeatingNodes(
        addressSpace,
        this.model,
        (change) => {
          this.logger.log(`${this.id}: ${change} by an OPC UA client`);
        },
        () => this.fault,
      );
      server.on('create_session', (session: ServerSession) => this.sessions.add(session));
      server.on('session_closed', (session: ServerSession) => this.sessions.delete(session));
      await server.start();
      this.server = server;
      this.boundPort = server.endpoints[0]?.port ?? this.boundPort;
      this.logger.log(`${this.id} listening on ${this.endpointUrl} (started in ${Date.now() - startedAt} ms)`);
    });
  }

  /** Closes every connection at once and releases the port; also cancels a restart waiting out its downtime. */
  stop(): Promise<void> {
    this.pendingRestart?.abort();
    return this.serialize(async () => {
      const server = this.server;
      if (!server) return;
      this.server = undefined;
      this.serverCertificates = undefined;
      this.sessions.clear();
      await server.shutdown(0);
      this.logger.log(`${this.id} stopped`);
    });
  }

  /**
   * Fault injection: the controller drops off the network — clients lose their connection and sessions — and comes
   * back on the same port after `downtimeMs`, with the zones where physics took them meanwhile.
   */
  async restart(downtimeMs: number): Promise<void> {
    await this.stop();
    const pending = new AbortController();
    this.pendingRestart = pending;
    this.logger.warn(`${this.id} restarting: down for ${downtimeMs} ms`);
    try {
      await sleep(downtimeMs, undefined, { signal: pending.signal });
    } catch (error) {
      if (pending.signal.aborted) return;
      throw error;
    } finally {
      if (this.pendingRestart === pending) this.pendingRestart = undefined;
    }
    await this.start();
  }

  state(): HeatingControllerState {
    return {
      running: this.running,
      fault: this.fault,
      outdoorTemperature: this.model.outdoorTemperature,
      zones: this.model.allZones(),
    };
  }

  applyInputs(inputs: unknown): void {
    const { outdoorTemperature, fault, zones = [] } = this.inputsSchema.parse(inputs);
    if (fault !== undefined) this.fault = fault;
    if (outdoorTemperature !== undefined) this.model.setOutdoorTemperature(outdoorTemperature);
    for (const { zone, temperature } of zones) {
      if (temperature !== undefined) this.model.setZoneTemperature(zone, temperature);
    }
  }

  private get advertisedHost(): string {
    return WILDCARD_HOSTS.has(this.config.host) ? 'localhost' : this.config.host;
  }

  private get serverPkiDir(): string {
    return join(this.pkiDir, 'server');
  }

  private createCertificateManager(name: 'server' | 'user'): OPCUACertificateManager {
    return new OPCUACertificateManager({
      name,
      rootFolder: join(this.pkiDir, name),
      automaticallyAcceptUnknownCertificate: name === 'user' || this.config.acceptUnknownClientCertificates,
      disableFileWatchers: true,
    });
  }

  private createServer(): OPCUAServer {
    const { securityModes, users, allowAnonymous } = this.config;
    const secured = securityModes.some((mode) => mode !== 'None');
    this.serverCertificates = this.createCertificateManager('server');
    return new OPCUAServer({
      host: this.config.host,
      hostname: this.advertisedHost,
      port: this.boundPort,
      securityModes: securityModes.map((mode) => SECURITY_MODES[mode]),
      securityPolicies: [
        ...(securityModes.includes('None') ? [SecurityPolicy.None] : []),
        ...(secured ? [SecurityPolicy.Basic256Sha256] : []),
      ],
      allowAnonymous,
      userManager: {
        isValidUser: (userName: string, password: string) =>
          users.some((user) => user.userName === userName && user.password === password),
      },
      serverCertificateManager: this.serverCertificates,
      userCertificateManager: this.createCertificateManager('user'),
      serverInfo: {
        applicationUri: `${HEATING_NAMESPACE_URI}:${this.id}`,
        productUri: HEATING_NAMESPACE_URI,
        applicationName: { text: `Beffroi heating controller ${this.id}`, locale: 'en' },
      },
      buildInfo: { productName: 'Beffroi simulated heating controller', manufacturerName: 'Beffroi' },
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(step);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }
}
