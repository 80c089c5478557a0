import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { identificationProbes, type Profile, proposeProfiles, type ProfileProposal } from '@beffroi/domain';
import {
  type FoundUnit,
  type ModbusScanOptions,
  type ModbusScanResult,
  openRtuProbeLine,
  openTcpProbeLink,
  type RtuLineSettings,
  scanRtuBus,
  type ScanProgress,
  scanTcpEndpoint,
} from '@beffroi/fieldbus';
import { loadProfiles } from '../gateway.config';
import { CliUsageError, numberOption, parseOptions, required } from './cli-args';

/** Where the output goes: result lines, progress and problems. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Stops the scan early (Ctrl-C): what was found so far is printed. */
  signal?: AbortSignal;
}

const PARITIES = ['none', 'even', 'odd'] as const;
const RTU_OPTIONS = ['port', 'baud', 'parity', 'data-bits', 'stop-bits', 'units', 'timeout', 'stop-after', 'profiles'];
const TCP_OPTIONS = ['host', 'port', 'units', 'timeout', 'stop-after', 'profiles'];
const OPCUA_OPTIONS = ['endpoint', 'depth', 'timeout', 'pki', 'profiles'];

/** `1-247`, `2,5,9`, `1-10,20`: unit ids 1..247, in the order given, each once. */
export function parseUnits(text: string): number[] {
  const units = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || from < 1 || to > 247 || from > to) {
      throw new CliUsageError(`--units: expected unit ids 1..247 such as 1-247 or 2,5,9, got "${text}"`);
    }
    for (let unit = from; unit <= to; unit++) units.add(unit);
  }
  return [...units];
}

function listOption<T>(text: string, name: string, parse: (item: string) => T | undefined, expected: string): T[] {
  return text.split(',').map((item) => {
    const value = parse(item.trim());
    if (value === undefined) throw new CliUsageError(`--${name}: expected ${expected}, got "${text}"`);
    return value;
  });
}

/** The line settings an RTU scan tries: every baud rate × parity given. */
function lineSettings(options: Map<string, string>): RtuLineSettings[] {
  const bauds = listOption(
    options.get('baud') ?? '19200',
    'baud',
    (item) => (/^\d+$/.test(item) && Number(item) >= 300 && Number(item) <= 921600 ? Number(item) : undefined),
    'baud rates 300..921600 such as 19200 or 9600,19200',
  );
  const parities = listOption(
    options.get('parity') ?? 'even',
    'parity',
    (item) => PARITIES.find((parity) => parity === item),
    'none, even or odd (or a list: even,none)',
  );
  const dataBits = numberOption(options, 'data-bits', 7, 8, 8) === 7 ? 7 : 8;
  const stopBits = numberOption(options, 'stop-bits', 1, 2, 1) === 2 ? 2 : 1;
  return bauds.flatMap((baudRate) => parities.map((parity) => ({ baudRate, parity, dataBits, stopBits }) as const));
}

/** The profiles of `--profiles` (default `config/profiles` when it exists): what scanned devices are matched with. */
function profilesOf(options: Map<string, string>): Profile[] {
  const dir =
    options.get('profiles') ?? (existsSync(join('config', 'profiles')) ? join('config', 'profiles') : undefined);
  if (dir === undefined) return [];
  try {
    return [...loadProfiles(dir).values()];
  } catch (error) {
    throw new CliUsageError(`--profiles: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const lineName = (line: RtuLineSettings | undefined) =>
  line ? `${line.baudRate} ${line.dataBits}${line.parity[0]?.toUpperCase() ?? ''}${line.stopBits}` : '';

/** One progress line on stderr per unit found, and one every 16 probes. */
function progressPrinter(err: (line: string) => void): (progress: ScanProgress) => void {
  let found = 0;
  return (progress) => {
    const newUnit = progress.found > found;
    found = progress.found;
    if (!newUnit && progress.done % 16 !== 0 && progress.done !== progress.total) return;
    const at = progress.line ? ` at ${lineName(progress.line)}` : '';
    err(
      `scan: ${progress.done}/${progress.total} probed${at}, unit ${progress.unit}${newUnit ? ' answers' : ''}; ${found} found`,
    );
  };
}

/** Probes a scan reads for profile matching, and the scan options common to RTU and TCP. */
function modbusOptions(options: Map<string, string>, profiles: Profile[], signal?: AbortSignal): ModbusScanOptions {
  const stopAfter = options.has('stop-after') ? numberOption(options, 'stop-after', 1, 247) : undefined;
  return {
    units: parseUnits(options.get('units') ?? '1-247'),
    timeoutMs: numberOption(options, 'timeout', 10, 60_000, 100),
    identify: true,
    reads: identificationProbes(profiles.filter((profile) => profile.protocol === 'modbus')),
    ...(stopAfter === undefined ? {} : { stopAfter }),
    ...(signal === undefined ? {} : { signal }),
  };
}

/** A found unit with the profiles proposed for it. */
type Proposed = FoundUnit & { profiles: ProfileProposal[] };

function propose(result: ModbusScanResult, profiles: Profile[]): Proposed[] {
  return result.found.map((found) => ({
    ...found,
    profiles: proposeProfiles({ protocol: 'modbus', ...found }, profiles),
  }));
}

function identityText(found: FoundUnit): string {
  const identity = found.identity;
  if (!identity) return `(${found.identityError ?? 'not read'})`;
  const model = identity.modelName === undefined ? '' : ` (${identity.modelName})`;
  return `${identity.vendorName} ${identity.productCode} ${identity.revision}${model}`;
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function printModbus(result: ModbusScanResult, found: Proposed[], output: CliOutput, json: boolean): void {
  if (json) {
    output.out(JSON.stringify({ ...result, found }));
    return;
  }
  const rows = found.map((unit) => [
    String(unit.unit),
    lineName(unit.line),
    unit.exception ? `exception ${unit.exception.code}` : 'data',
    identityText(unit),
    unit.profiles.map((proposal) => proposal.profileId).join(', ') || '-',
  ]);
  if (rows.length > 0) table([['unit', 'line', 'answer', 'identity', 'profile'], ...rows]).forEach(output.out);
  for (const garbled of result.garbled)
    output.out(`unit ${garbled.unit} ${lineName(garbled.line)}: ${garbled.reason}`.replace('  ', ' '));
  const stopped = result.stopped === undefined ? '' : ` (stopped early: ${result.stopped})`;
  output.out(
    `${found.length} found, ${result.probed} of ${result.total} probes in ${(result.durationMs / 1000).toFixed(1)} s${stopped}`,
  );
}

async function modbusScan(
  kind: 'rtu' | 'tcp',
  options: Map<string, string>,
  output: CliOutput,
): Promise<ModbusScanResult> {
  const profiles = profilesOf(options);
  const scanOptions = modbusOptions(options, profiles, output.signal);
  const hooks = { now: () => performance.now(), onProgress: progressPrinter(output.err) };
  const result =
    kind === 'rtu'
      ? await scanRtuBus({ path: required(options, 'port'), lines: lineSettings(options) }, scanOptions, {
          ...hooks,
          open: openRtuProbeLine,
        })
      : await scanTcpEndpoint(
          { host: required(options, 'host'), port: numberOption(options, 'port', 1, 65535, 502) },
          scanOptions,
          { ...hooks, open: (host, port) => openTcpProbeLink(host, port, Math.max(2000, scanOptions.timeoutMs)) },
        );
  printModbus(result, propose(result, profiles), output, options.has('json'));
  return result;
}

async function opcuaScan(options: Map<string, string>, output: CliOutput): Promise<void> {
  const profiles = profilesOf(options);
  const pkiDir = options.get('pki') ?? join(homedir(), '.beffroi', 'scan-pki');
  mkdirSync(pkiDir, { recursive: true });
  const { scanOpcuaEndpoint } = await import('@beffroi/fieldbus/opcua');
  output.err(`scan: looking at ${required(options, 'endpoint')}`);
  const result = await scanOpcuaEndpoint(
    {
      endpointUrl: required(options, 'endpoint'),
      depth: numberOption(options, 'depth', 1, 10, 3),
      timeoutMs: numberOption(options, 'timeout', 100, 120_000, 10_000),
      pkiDir,
    },
    () => performance.now(),
  );
  const proposals = proposeProfiles(result, profiles);
  if (options.has('json')) {
    output.out(JSON.stringify({ ...result, profiles: proposals }));
    return;
  }
  table([
    ['security mode', 'policy', 'logins', 'endpoint'],
    ...result.endpoints.map((e) => [e.securityMode, e.securityPolicy, e.userTokens.join(' '), e.endpointUrl]),
  ]).forEach(output.out);
  const identity = result.identity;
  output.out(
    identity
      ? `identity: ${identity.vendorName} / ${identity.productName} / ${identity.productCode} / ${identity.revision}`
      : `identity: (${result.sessionError ?? 'not read'})`,
  );
  output.out(`profile: ${proposals.map((proposal) => proposal.profileId).join(', ') || '-'}`);
  const walk = (nodes: typeof result.nodes, indent: string): void => {
    for (const node of nodes) {
      output.out(`${indent}${node.browseName}  ${node.nodeClass}  ${node.nodeId}`);
      walk(node.children, `${indent}  `);
    }
  };
  walk(result.nodes, '');
}

const KINDS = 'rtu, tcp or opcua';

function optionsFor(
  kind: string | undefined,
  argv: readonly string[],
  extra: readonly string[] = [],
): Map<string, string> {
  if (kind === 'rtu') return parseOptions(argv, [...RTU_OPTIONS, ...extra], ['json']);
  if (kind === 'tcp') return parseOptions(argv, [...TCP_OPTIONS, ...extra], ['json']);
  if (kind === 'opcua') return parseOptions(argv, OPCUA_OPTIONS, ['json']);
  throw new CliUsageError(`expected ${KINDS} after the command, got "${kind ?? ''}"`);
}

/**
 * `beffroi scan rtu|tcp|opcua …`: every unit of an RTU bus (at each baud rate × parity given) or behind a Modbus TCP
 * endpoint, with its identification and proposed profile; or an OPC UA server's endpoints, identity and address space.
 */
export async function scanCommand(argv: readonly string[], output: CliOutput): Promise<void> {
  const [kind, ...rest] = argv;
  const options = optionsFor(kind, rest);
  if (kind === 'opcua') await opcuaScan(options, output);
  else await modbusScan(kind === 'rtu' ? 'rtu' : 'tcp', options, output);
}

/**
 * `beffroi identify rtu|tcp --unit N …` (or `identify opcua --endpoint …`): one device's identification and the
 * profile(s) proposed for it, with the scan's engine. Exit code 1 when the unit does not answer.
 */
export async function identifyCommand(argv: readonly string[], output: CliOutput): Promise<number> {
  const [kind, ...rest] = argv;
  const options = optionsFor(kind, rest, ['unit']);
  if (kind === 'opcua') {
    await opcuaScan(new Map([...options, ['depth', '1']]), output);
    return 0;
  }
  const unit = String(numberOption(options, 'unit', 1, 247));
  options.set('units', unit);
  options.delete('unit');
  const result = await modbusScan(kind === 'rtu' ? 'rtu' : 'tcp', options, output);
  if (result.found.length > 0) return 0;
  output.err(`identify: unit ${unit} does not answer at ${result.target}`);
  return 1;
}
