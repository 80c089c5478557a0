/**
 * Modbus and OPC UA drivers behind one port, read planning and codecs, used by the gateway and its CLI.
 * The field-layer issue fills this library; it exists now so that its place and import alias are fixed.
 */
export {};
