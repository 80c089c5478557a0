import { format, stripVTControlCharacters } from 'node:util';
import { Logger } from '@nestjs/common';
import { setDebugLogger, setErrorLogger, setWarningLogger } from 'node-opcua-client';

/** Where node-opcua says one of its messages comes from: its source file and line. */
function originOf(data: unknown): string {
  if (typeof data !== 'object' || data === null) return 'node-opcua';
  const { filename, callerline } = data as { filename?: unknown; callerline?: unknown };
  return `${String(filename)}:${String(callerline)}`;
}

/**
 * node-opcua prints its own warnings, errors and debug traces as plain text lines on stdout (a Node.js version
 * check when it is loaded, "Creating default certificate" when a client makes its certificate...). After this call
 * each of its messages is one JSON log line of context `node-opcua`, at its level, naming the node-opcua source file
 * it comes from. Call it as soon as node-opcua is loaded: its load-time check reports asynchronously.
 */
export function routeOpcuaLogs(): void {
  const logger = new Logger('node-opcua');
  const text = (origin: unknown, args: unknown[]) =>
    `${stripVTControlCharacters(format(...args)).trim()} (${originOf(origin)})`;
  setWarningLogger((origin, ...args) => {
    logger.warn(text(origin, args));
  });
  setErrorLogger((origin, ...args) => {
    logger.error(text(origin, args));
  });
  setDebugLogger((origin, ...args) => {
    logger.debug(text(origin, args));
  });
}
