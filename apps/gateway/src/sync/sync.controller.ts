import { Controller, Get } from '@nestjs/common';
import { SyncClient } from './sync-client.service';

/** The sync with central as the gateway sees it: enrolled, connected, last error, desired version, outbox, clock. */
@Controller()
export class SyncController {
  constructor(private readonly sync: SyncClient) {}

  @Get('sync')
  status() {
    return this.sync.status();
  }
}
