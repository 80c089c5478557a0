import { format, stripVTControlCharacters } from 'node:util';
import { Logger } from '@nestjs/common';

/**
 * Makes what a library prints through `console` a JSON log line like any other (context `console`, colours
 * removed, one line per call whatever newlines the text holds), at the level of the method it called. The JSON
 * logger itself writes to the process's streams, not through `console`.
 */
export function routeConsoleToLogs(): void {
  const logger = new Logger('console');
  const text = (args: unknown[]) => stripVTControlCharacters(format(...args));
  const log = (...args: unknown[]) => {
    logger.log(text(args));
  };
  const debug = (...args: unknown[]) => {
    logger.debug(text(args));
  };
  Object.assign(console, {
    log,
    info: log,
    debug,
    trace: (...args: unknown[]) => {
      logger.debug(`${text(args)}\n${new Error('trace').stack ?? ''}`);
    },
    warn: (...args: unknown[]) => {
      logger.warn(text(args));
    },
    error: (...args: unknown[]) => {
      logger.error(text(args));
    },
  });
}
