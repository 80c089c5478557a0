import { Injectable } from '@nestjs/common';
import type { CentralMessage } from '@beffroi/sync';
import { Clock } from '@beffroi/runtime';

/** One gateway's live sync connection, as the rest of central may use it. */
export interface SyncLink {
  /** Sends a frame; false when the socket is already gone. */
  send(message: CentralMessage): boolean;
  close(code: number, reason: string): void;
  /** Asks the connection to send what is waiting for its gateway (commands, desired state). */
  poke(): void;
  /** When the last frame (any frame, WebSocket pongs included) arrived on this connection. */
  lastFrameAt(): Date;
}

/** Which gateways are connected right now: at most one connection per gateway. */
@Injectable()
export class SyncPresence {
  private readonly links = new Map<string, SyncLink>();
  /** When each connected gateway came online (a replacing connection keeps the first one's instant). */
  private readonly onlineSince = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  /** Registers the gateway's connection; an older one is closed (the gateway reconnected before it noticed). */
  attach(gatewayId: string, link: SyncLink): void {
    const previous = this.links.get(gatewayId);
    this.links.set(gatewayId, link);
    if (previous === undefined) this.onlineSince.set(gatewayId, this.clock.now().toISOString());
    if (previous !== undefined && previous !== link) previous.close(4409, 'replaced by a newer connection');
  }

  detach(gatewayId: string, link: SyncLink): void {
    if (this.links.get(gatewayId) !== link) return;
    this.links.delete(gatewayId);
    this.onlineSince.delete(gatewayId);
  }

  /** Since when the gateway is online; undefined when it is offline. */
  since(gatewayId: string): string | undefined {
    return this.onlineSince.get(gatewayId);
  }

  isOnline(gatewayId: string): boolean {
    return this.links.has(gatewayId);
  }

  /** The last frame received from the gateway on its live connection; undefined when it is offline. */
  lastSeen(gatewayId: string): string | undefined {
    return this.links.get(gatewayId)?.lastFrameAt().toISOString();
  }

  get count(): number {
    return this.links.size;
  }

  /** Wakes the gateway's connection, if any, to send what is waiting for it. */
  poke(gatewayId: string): void {
    this.links.get(gatewayId)?.poke();
  }

  /** Closes the gateway's connection; it counts as offline at once. */
  disconnect(gatewayId: string, reason: string): void {
    const link = this.links.get(gatewayId);
    this.links.delete(gatewayId);
    this.onlineSince.delete(gatewayId);
    link?.close(4401, reason);
  }

  closeAll(reason: string): void {
    for (const link of this.links.values()) link.close(1001, reason);
    this.links.clear();
    this.onlineSince.clear();
  }
}
