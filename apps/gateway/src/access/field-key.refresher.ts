import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, type Timer } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { CredentialStore } from '../sync/credential.store';
import { centralRequest } from '../sync/central-http';
import { centralTrustOf } from '../sync/central-tls';
import { centralEndpoint, describeRequestError } from '../sync/enrolment.client';
import { FieldKeyStore, fieldKeys } from './field-key.store';

/** How often an enrolled gateway asks central for its field-token keys (and once at start). */
const REFRESH_MS = 3_600_000;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Keeps the gateway's field-token keys those central publishes (`GET /api/field-keys`), at start and every hour once
 * enrolled: after central's key is rotated, tokens signed with the new key are accepted within the hour, and those
 * signed with the old one are refused. Central unreachable: the keys known stay, field tokens keep working offline.
 */
@Injectable()
export class FieldKeyRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FieldKeyRefresher.name);
  private timer: Timer | undefined;

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly credentials: CredentialStore,
    private readonly keys: FieldKeyStore,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.loaded.config.central === undefined) return;
    void this.refresh();
    this.timer = this.clock.setInterval(async () => {
      await this.refresh();
    }, REFRESH_MS);
  }

  onApplicationShutdown(): void {
    this.timer?.cancel();
  }

  /** Asks central once; true when the keys changed. Never throws: a failure is logged and the known keys stay. */
  async refresh(): Promise<boolean> {
    const central = this.loaded.config.central;
    if (central === undefined) return false;
    try {
      if (this.credentials.read() === undefined) return false;
      const response = await centralRequest(centralEndpoint(central.url, 'api/field-keys'), centralTrustOf(central), {
        method: 'GET',
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      if (response.status !== 200) throw new Error(`central answered ${response.status}`);
      const body = JSON.parse(response.text) as { keys?: unknown };
      const keys = fieldKeys.min(1).parse(body.keys);
      const known = this.keys.keys().map((key) => key.keyId);
      if (known.length === keys.length && keys.every((key) => known.includes(key.keyId))) return false;
      this.keys.replace(keys);
      this.logger.log(`field tokens: central's keys are now ${keys.map((key) => key.keyId).join(', ')}`);
      return true;
    } catch (error) {
      this.logger.warn(`cannot refresh central's field-token keys: ${describeRequestError(error)}`);
      return false;
    }
  }
}
