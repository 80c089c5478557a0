import { ConsoleLogger, type INestApplication, Logger } from '@nestjs/common';
import type { AddressInfo, Server } from 'node:net';
import { DocumentException } from '@beffroi/domain';
import { routeConsoleToLogs } from './console-logs';

/**
 * Structured JSON log lines on stdout, one object per line, with the class name as context; installed before
 * anything logs, so even a refusal to start is a JSON line. What libraries print through `console` becomes JSON
 * log lines too (see {@link routeConsoleToLogs}).
 */
export function useJsonLogs(app: string): ConsoleLogger {
  const logger = new ConsoleLogger(app, { json: true, colors: false });
  Logger.overrideLogger(logger);
  routeConsoleToLogs();
  return logger;
}

/** Message an app sends its parent process (the launcher) once it listens. */
export interface ReadyMessage {
  type: 'ready';
  app: string;
  http: { host: string; port: number };
  /** Extra listening ports by name (simulated equipment endpoints). */
  ports?: Record<string, number>;
}

export function httpAddressOf(app: INestApplication): { host: string; port: number } {
  const server = app.getHttpServer() as Server;
  const address = server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}

/** Tells a launching parent (if any) that the app is up. */
export function announceReady(message: ReadyMessage): void {
  process.send?.(message);
}

/** Closes the app on SIGINT/SIGTERM and exits 0 once everything is shut down. */
export function closeOnSignals(app: INestApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}

/** Exit code for a process that refused to start: 78 (EX_CONFIG) for a bad config, 1 otherwise. */
export function failStartup(logger: Logger, error: unknown): never {
  if (error instanceof DocumentException) {
    logger.error(`invalid configuration, refusing to start: ${error.message}`);
    process.exit(78);
  }
  logger.error(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}

/** What an app's start function hands back once it listens. */
export interface StartedApp {
  app: INestApplication;
  /** Extra listening ports to announce (simulated equipment endpoints). */
  ports?: Record<string, number>;
}

/**
 * Runs an app's main: JSON logs first, then `start`; once it listens, closes on SIGINT/SIGTERM and announces
 * readiness to a launching parent. A failure to start exits non-zero with the reason (78 for a bad config).
 */
export function launch(name: string, start: (logger: ConsoleLogger) => Promise<StartedApp>): void {
  const jsonLogger = useJsonLogs(name);
  const logger = new Logger('Main');
  start(jsonLogger)
    .then(({ app, ports }) => {
      closeOnSignals(app, logger);
      const http = httpAddressOf(app);
      logger.log(`${name} listening on http://${http.host}:${http.port}`);
      announceReady({ type: 'ready', app: name, http, ...(ports ? { ports } : {}) });
    })
    .catch((error: unknown) => failStartup(logger, error));
}
