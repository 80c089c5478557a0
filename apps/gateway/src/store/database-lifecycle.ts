import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WriteService } from '../points/write.service';

/** Closes writes a previous run left pending, and closes the database last, after every flush. */
@Injectable()
export class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseLifecycle.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: WriteService,
  ) {}

  async onModuleInit(): Promise<void> {
    const interrupted = await this.writer.closeInterrupted();
    if (interrupted > 0) this.logger.warn(`${interrupted} writes interrupted by the last stop recorded as failed`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
