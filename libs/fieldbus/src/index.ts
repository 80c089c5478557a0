/**
 * The field layer. The OPC UA driver is its own entry point, `@beffroi/fieldbus/opcua`: node-opcua weighs about
 * 60 MB once loaded, which a gateway with Modbus buses only does not pay.
 */
export * from './bind-points';
export * from './codec/modbus-codec';
export * from './codec/register-layout';
export * from './field-driver';
export * from './modbus/bus-scheduler';
export * from './modbus/modbus-link';
export * from './modbus/modbus.driver';
export * from './plan/read-plan';
export * from './scan';
