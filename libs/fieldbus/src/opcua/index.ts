export * from './opcua.driver';
export * from './opcua-logs';
