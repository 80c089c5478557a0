export * from './opcua.driver';
