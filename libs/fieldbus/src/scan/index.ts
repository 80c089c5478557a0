export * from './device-identification';
export * from './modbus-frame';
export * from './modbus-scan';
export * from './probe-link';
