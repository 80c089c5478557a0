export * from './app-lifecycle';
export * from './console-logs';
export * from './field-token';
export * from './http-errors';
export * from './load-yaml-file';
export * from './process-args';
export * from './sqlite-access';
export * from './tls-files';
