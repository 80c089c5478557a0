import { Injectable } from '@nestjs/common';
import WebSocket from 'ws';
import { LoadedGatewayConfig } from '../gateway.config';
import { type CentralTrust, centralTlsOptions, centralTrustOf } from './central-tls';

/** Frames larger than this close the socket in the ws library; smaller ones are checked by libs/sync's parser. */
const SOCKET_MAX_PAYLOAD = 16 * 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 15_000;

/**
 * Opens the sync WebSocket to central (the one place the gateway creates sockets to it). A `wss:` URL is only ever
 * opened over TLS, trusting central as `central.ca` / `central.fingerprint` say; nothing falls back to `ws:`.
 */
@Injectable()
export class SyncSocketFactory {
  private readonly trust: CentralTrust;

  constructor(loaded: LoadedGatewayConfig) {
    const central = loaded.config.central;
    this.trust = central === undefined ? {} : centralTrustOf(central);
  }

  open(url: string, credential: string): WebSocket {
    return new WebSocket(url, {
      headers: { authorization: `Bearer ${credential}` },
      maxPayload: SOCKET_MAX_PAYLOAD,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
      ...(url.startsWith('wss:') ? centralTlsOptions(this.trust) : {}),
    });
  }
}
