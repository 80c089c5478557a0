import type { ScannedUnit } from './gateway-client';

export type ScanKind = 'rtu' | 'tcp' | 'opcua';
export type Parity = 'even' | 'none' | 'odd';

/** What the scan form holds, as typed (text fields stay text until {@link scanRequestOf}). */
export interface ScanForm {
  kind: ScanKind;
  port: string;
  bauds: string;
  parities: Parity[];
  host: string;
  tcpPort: string;
  units: string;
  timeout: string;
  endpoint: string;
}

/** The form as it opens: the defaults of `beffroi scan`. */
export function emptyScanForm(): ScanForm {
  return {
    kind: 'tcp',
    port: '',
    bauds: '19200',
    parities: ['even'],
    host: '',
    tcpPort: '502',
    units: '1-247',
    timeout: '100',
    endpoint: '',
  };
}

/** The fields of the form a request may be refused on (the names of `fr.scanPage.invalidField`). */
export type ScanField = 'port' | 'baud' | 'parity' | 'host' | 'tcpPort' | 'units' | 'timeout' | 'endpoint';

/** `POST /commissioning/scans`'s body, or the fields that are wrong (each once, in the order of the form). */
export type ScanRequestOutcome =
  | { readonly ok: true; readonly request: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly fields: readonly ScanField[] };

const UNITS = /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/;

function integer(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

function unitsOk(text: string): boolean {
  if (!UNITS.test(text)) return false;
  return text.split(',').every((part) => {
    const [from = 0, to = from] = part.split('-').map((bound) => Number(bound.trim()));
    return from >= 1 && to <= 247 && from <= to;
  });
}

/**
 * The request the form asks for, in the local API's words (docs/gateway.md "commissioning scans"), checked here
 * first so that the engineer reads what is wrong in French next to the field; the gateway checks it again.
 */
export function scanRequestOf(form: ScanForm): ScanRequestOutcome {
  const wrong: ScanField[] = [];
  const timeout = integer(form.timeout, 10, 60_000);
  if (form.kind === 'opcua') {
    const endpoint = form.endpoint.trim();
    if (!/^opc\.tcp:\/\/[^/\s]+(\/\S*)?$/.test(endpoint)) return { ok: false, fields: ['endpoint'] };
    return { ok: true, request: { kind: 'opcua', endpoint } };
  }
  const units = form.units.trim();
  if (form.kind === 'rtu') {
    const port = form.port.trim();
    const bauds = form.bauds.split(',').map((baud) => integer(baud, 300, 921_600));
    if (!port.startsWith('/')) wrong.push('port');
    if (bauds.length === 0 || bauds.some((baud) => baud === undefined)) wrong.push('baud');
    if (form.parities.length === 0) wrong.push('parity');
    if (!unitsOk(units)) wrong.push('units');
    if (timeout === undefined) wrong.push('timeout');
    if (wrong.length > 0) return { ok: false, fields: wrong };
    return { ok: true, request: { kind: 'rtu', port, baud: bauds, parity: form.parities, units, timeout } };
  }
  const host = form.host.trim();
  const port = integer(form.tcpPort, 1, 65_535);
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) wrong.push('host');
  if (port === undefined) wrong.push('tcpPort');
  if (!unitsOk(units)) wrong.push('units');
  if (timeout === undefined) wrong.push('timeout');
  if (wrong.length > 0) return { ok: false, fields: wrong };
  return { ok: true, request: { kind: 'tcp', host, port, units, timeout } };
}

/**
 * `POST /commissioning/identify`'s body for one unit a scan found: the scan's port or host, the unit, and (RTU) the
 * line settings it answered at.
 */
export function identifyRequestOf(scan: Readonly<Record<string, unknown>>, unit: ScannedUnit): Record<string, unknown> {
  if (scan.kind === 'rtu') {
    return {
      kind: 'rtu',
      port: scan.port,
      unit: unit.unit,
      timeout: scan.timeout,
      ...(unit.line === undefined
        ? {}
        : {
            baud: unit.line.baudRate,
            parity: unit.line.parity,
            dataBits: unit.line.dataBits,
            stopBits: unit.line.stopBits,
          }),
    };
  }
  return { kind: 'tcp', host: scan.host, port: scan.port, unit: unit.unit, timeout: scan.timeout };
}
