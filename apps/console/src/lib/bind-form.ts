import type { ScannedUnit } from './gateway-client';

export type BindParity = 'even' | 'none' | 'odd';

/**
 * What the "Raccorder" page opens with, read from its address: the device a scan found (the result row's "Raccorder"
 * carries the bus, the unit and the proposed profile), or nothing when the engineer types it by hand.
 */
export interface BindPrefill {
  readonly kind?: 'tcp' | 'rtu';
  readonly host?: string;
  readonly port?: string;
  readonly path?: string;
  readonly baud?: string;
  readonly parity?: string;
  readonly unit?: string;
  readonly profile?: string;
}

/** The form of the "Raccorder" page as typed (text fields stay text until {@link targetRequestOf}). */
export interface BindForm {
  busMode: 'existing' | 'new';
  existingBus: string;
  protocol: 'modbus-tcp' | 'modbus-rtu';
  busId: string;
  host: string;
  tcpPort: string;
  path: string;
  baud: string;
  parity: BindParity;
  unit: string;
  profile: string;
  id: string;
  name: string;
  site: string;
  /** Tags by point id, as typed: separated by commas. */
  tags: Record<string, string>;
}

/** The fields of the form a request may be refused on (the names of `fr.bindPage.invalidField`). */
export type BindField =
  'bus' | 'busId' | 'host' | 'tcpPort' | 'path' | 'baud' | 'unit' | 'profile' | 'id' | 'name' | 'site' | 'tags';

export type BindOutcome =
  | { readonly ok: true; readonly request: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly fields: readonly BindField[] };

const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TAG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * The id proposed for the new bus of a device found on a spare port: the same for every device of that port, so that
 * the second device of a scan goes onto the bus the first one created.
 */
export function suggestedBusId(prefill: BindPrefill): string {
  const raw =
    prefill.kind === 'rtu'
      ? `rtu-${(prefill.path ?? '').split('/').pop() ?? ''}`
      : `tcp-${prefill.host ?? ''}-${prefill.port ?? '502'}`;
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+$/, '')
    .slice(0, 64);
}

/**
 * The form as it opens: the scan's device on a new bus, or on the bus the gateway already polls under the proposed id
 * (a second device of the same spare port); by hand, a new Modbus TCP bus.
 */
export function bindFormOf(prefill: BindPrefill, buses: readonly string[]): BindForm {
  const busId = prefill.kind === undefined ? '' : suggestedBusId(prefill);
  const polled = busId !== '' && buses.includes(busId);
  const parity = prefill.parity === 'none' || prefill.parity === 'odd' ? prefill.parity : 'even';
  return {
    busMode: polled ? 'existing' : 'new',
    existingBus: polled ? busId : (buses[0] ?? ''),
    protocol: prefill.kind === 'rtu' ? 'modbus-rtu' : 'modbus-tcp',
    busId,
    host: prefill.host ?? '',
    tcpPort: prefill.port ?? '502',
    path: prefill.path ?? '',
    baud: prefill.baud ?? '19200',
    parity,
    unit: prefill.unit ?? '1',
    profile: prefill.profile ?? '',
    id: '',
    name: '',
    site: '',
    tags: {},
  };
}

function integer(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/**
 * `POST /commissioning/checks`'s body (the bus, the unit, the profile), checked here first so that the engineer reads
 * what is wrong in French next to the field; the gateway checks it again, like its config file.
 */
export function targetRequestOf(form: BindForm): BindOutcome {
  const wrong: BindField[] = [];
  let bus: unknown;
  if (form.busMode === 'existing') {
    if (!IDENTIFIER.test(form.existingBus)) wrong.push('bus');
    bus = form.existingBus;
  } else {
    const id = form.busId.trim();
    if (!IDENTIFIER.test(id)) wrong.push('busId');
    if (form.protocol === 'modbus-tcp') {
      const host = form.host.trim();
      const port = integer(form.tcpPort, 1, 65_535);
      if (!/^[A-Za-z0-9.:-]+$/.test(host)) wrong.push('host');
      if (port === undefined) wrong.push('tcpPort');
      bus = { id, protocol: 'modbus-tcp', host, port };
    } else {
      const path = form.path.trim();
      const baudRate = integer(form.baud, 300, 921_600);
      if (!path.startsWith('/')) wrong.push('path');
      if (baudRate === undefined) wrong.push('baud');
      bus = { id, protocol: 'modbus-rtu', path, baudRate, parity: form.parity };
    }
  }
  const unit = integer(form.unit, 0, 255);
  if (unit === undefined) wrong.push('unit');
  if (!IDENTIFIER.test(form.profile)) wrong.push('profile');
  if (wrong.length > 0) return { ok: false, fields: wrong };
  return { ok: true, request: { bus, unit, profile: form.profile } };
}

/** The tags typed for each point, as the config file's `tags`; undefined when a tag is not one. */
function tagsOf(typed: Readonly<Record<string, string>>): Record<string, string[]> | undefined {
  const tags: Record<string, string[]> = {};
  for (const [point, text] of Object.entries(typed)) {
    const list = text
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '');
    if (list.some((tag) => !TAG.test(tag))) return undefined;
    if (list.length > 0) tags[point] = [...new Set(list)];
  }
  return tags;
}

/** `POST /commissioning/equipment`'s body: the target of {@link targetRequestOf} and the equipment's own fields. */
export function bindRequestOf(form: BindForm, force: boolean): BindOutcome {
  const target = targetRequestOf(form);
  const wrong: BindField[] = target.ok ? [] : [...target.fields];
  const id = form.id.trim();
  const name = form.name.trim();
  if (!IDENTIFIER.test(id)) wrong.push('id');
  if (name.length > 200) wrong.push('name');
  const tags = tagsOf(form.tags);
  if (tags === undefined) wrong.push('tags');
  if (!target.ok || wrong.length > 0) return { ok: false, fields: wrong };
  return {
    ok: true,
    request: {
      id,
      ...(name === '' ? {} : { name }),
      ...(form.site === '' ? {} : { site: form.site }),
      ...(tags === undefined || Object.keys(tags).length === 0 ? {} : { tags }),
      ...target.request,
      ...(force ? { force: true } : {}),
    },
  };
}

const BY_PATH: Readonly<Record<string, BindField>> = {
  bus: 'bus',
  'bus.id': 'busId',
  'bus.host': 'host',
  'bus.port': 'tcpPort',
  'bus.path': 'path',
  'bus.baudRate': 'baud',
  unit: 'unit',
  profile: 'profile',
  id: 'id',
  name: 'name',
  site: 'site',
};

/**
 * The form's field a problem of the gateway names (`{"path":"unit","message":"duplicate unit on this bus: 3"}`), so
 * that its message is shown next to that field; undefined for a problem of the config file elsewhere.
 */
export function fieldOfProblem(path: string, busMode: BindForm['busMode']): BindField | undefined {
  if (path === 'tags' || path.startsWith('tags.')) return 'tags';
  if (busMode === 'existing' && path.startsWith('bus')) return 'bus';
  const exact = BY_PATH[path];
  if (exact !== undefined) return exact;
  const [head = '', next = ''] = path.split('.');
  return BY_PATH[`${head}.${next}`] ?? (head === 'bus' ? 'bus' : undefined);
}

/** The gateway's problems, by the field of the form they name, and those that name none. */
export function problemsByField(
  problems: readonly { readonly path: string; readonly message: string }[],
  busMode: BindForm['busMode'],
): { readonly byField: Partial<Record<BindField, string[]>>; readonly other: readonly string[] } {
  const byField: Partial<Record<BindField, string[]>> = {};
  const other: string[] = [];
  for (const problem of problems) {
    const field = fieldOfProblem(problem.path, busMode);
    if (field === undefined) other.push(problem.path === '' ? problem.message : `${problem.path} : ${problem.message}`);
    else byField[field] = [...(byField[field] ?? []), problem.message];
  }
  return { byField, other };
}

/** What the "Raccorder" page opens with for a unit a scan found: the scan's port or host, the unit, its profile. */
export function bindPrefillOf(scan: Readonly<Record<string, unknown>>, unit: ScannedUnit): BindPrefill {
  const profile = unit.profiles[0]?.profileId;
  const common = { unit: String(unit.unit), ...(profile === undefined ? {} : { profile }) };
  if (scan.kind === 'rtu') {
    return {
      kind: 'rtu',
      path: String(scan.port),
      ...(unit.line === undefined ? {} : { baud: String(unit.line.baudRate), parity: unit.line.parity }),
      ...common,
    };
  }
  return { kind: 'tcp', host: String(scan.host), port: String(scan.port), ...common };
}
