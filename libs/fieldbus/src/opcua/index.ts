export * from './opcua.driver';
export * from './opcua-logs';
export * from './opcua-scan';
