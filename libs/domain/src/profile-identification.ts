import { z } from 'zod';
import { intIn, nonEmptyText } from './common.schema';
import type { ModbusTable } from './profile.schema';

/**
 * How a profile recognises its device in a scan result: identification strings (Modbus function 43 objects, or an
 * OPC UA server's BuildInfo) and, for Modbus, a probe register with the values it may hold. Every criterion declared
 * must hold for the profile to be proposed.
 */
const IDENTIFICATION_STRINGS = ['vendorName', 'productCode', 'productName', 'modelName', 'revision'] as const;
export type IdentificationString = (typeof IDENTIFICATION_STRINGS)[number];

const PROBE_TABLES = [
  'coil',
  'discrete-input',
  'holding-register',
  'input-register',
] as const satisfies readonly ModbusTable[];

const strings = {
  /** Function 43 object 0x00 VendorName; OPC UA BuildInfo.ManufacturerName. */
  vendorName: nonEmptyText.optional(),
  /** Function 43 object 0x01 ProductCode; OPC UA BuildInfo.ProductUri. */
  productCode: nonEmptyText.optional(),
  /** Function 43 object 0x04 ProductName; OPC UA BuildInfo.ProductName. */
  productName: nonEmptyText.optional(),
  /** Function 43 object 0x05 ModelName. */
  modelName: nonEmptyText.optional(),
  /** Function 43 object 0x02 MajorMinorRevision; OPC UA BuildInfo.SoftwareVersion. */
  revision: nonEmptyText.optional(),
};

const probeSchema = z
  .strictObject({
    table: z.enum(PROBE_TABLES, { error: `expected one of ${PROBE_TABLES.join(' | ')}` }),
    address: intIn(0, 65535),
    /** What the address may read on this device: true/false in a coil or discrete input, 0..65535 in a register. */
    values: z
      .array(z.union([z.boolean(), z.number()], { error: 'expected true, false or an integer 0..65535' }))
      .min(1, { error: 'expected at least one value' }),
  })
  .superRefine((probe, ctx) => {
    const bits = probe.table === 'coil' || probe.table === 'discrete-input';
    probe.values.forEach((value, index) => {
      const fits = bits
        ? typeof value === 'boolean'
        : typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
      if (!fits) {
        ctx.addIssue({
          code: 'custom',
          path: ['values', index],
          message: bits
            ? `a ${probe.table} reads true or false, got ${String(value)}`
            : `a ${probe.table} reads an integer 0..65535, got ${String(value)}`,
        });
      }
    });
  });
export type IdentificationProbe = z.output<typeof probeSchema>;

const CRITERIA = IDENTIFICATION_STRINGS.join(', ');

function hasCriterion(identification: Partial<Record<IdentificationString | 'probe', unknown>>): boolean {
  return [...IDENTIFICATION_STRINGS, 'probe' as const].some((key) => identification[key] !== undefined);
}

export const modbusIdentificationSchema = z
  .strictObject({ ...strings, probe: probeSchema.optional() })
  .refine(hasCriterion, { error: `no criterion: give at least one of ${CRITERIA} or probe` });

export const opcuaIdentificationSchema = z
  .strictObject({
    ...strings,
    probe: z
      .never({ error: 'a probe register applies to Modbus profiles; an OPC UA server is recognised by its BuildInfo' })
      .optional(),
  })
  .refine(hasCriterion, { error: `no criterion: give at least one of ${CRITERIA}` });

export type ProfileIdentification = z.output<typeof modbusIdentificationSchema>;

/** What a scan found at one place: its identification strings, and the values read at probe addresses. */
export interface ScannedDevice {
  protocol: 'modbus' | 'opcua';
  identity?: Partial<Record<IdentificationString, string>>;
  reads?: readonly { table: ModbusTable; address: number; value?: number | boolean }[];
}

/** A profile proposed for a scanned device, with the criteria that recognised it (`modelName = SIM-AEP-4`). */
export interface ProfileProposal {
  profileId: string;
  name: string;
  matched: string[];
}

/** What {@link proposeProfiles} needs of a profile. */
export interface IdentifiableProfile {
  id: string;
  name: string;
  protocol: 'modbus' | 'opcua';
  identification?: ProfileIdentification | undefined;
}

/** The criteria of `profile` the device meets, or undefined as soon as one is not met. */
function criteriaMet(device: ScannedDevice, identification: ProfileIdentification): string[] | undefined {
  const matched: string[] = [];
  for (const key of IDENTIFICATION_STRINGS) {
    const expected = identification[key];
    if (expected === undefined) continue;
    if (device.identity?.[key]?.trim() !== expected) return undefined;
    matched.push(`${key} = ${expected}`);
  }
  const probe = identification.probe;
  if (probe) {
    const read = device.reads?.find((r) => r.table === probe.table && r.address === probe.address);
    if (read?.value === undefined || !probe.values.includes(read.value)) return undefined;
    matched.push(`${probe.table} ${probe.address} = ${String(read.value)}`);
  }
  return matched;
}

/**
 * The profiles that recognise a scanned device: of its protocol, declaring an identification whose every criterion
 * the device meets; the most specific first (more criteria), then by id. A profile without identification is never
 * proposed.
 */
export function proposeProfiles(device: ScannedDevice, profiles: Iterable<IdentifiableProfile>): ProfileProposal[] {
  const proposals: ProfileProposal[] = [];
  for (const profile of profiles) {
    if (profile.protocol !== device.protocol || profile.identification === undefined) continue;
    const matched = criteriaMet(device, profile.identification);
    if (matched) proposals.push({ profileId: profile.id, name: profile.name, matched });
  }
  return proposals.sort((a, b) => b.matched.length - a.matched.length || a.profileId.localeCompare(b.profileId));
}

/** The probe addresses the given profiles recognise their device by: what a scan reads on each unit it finds. */
export function identificationProbes(
  profiles: Iterable<IdentifiableProfile>,
): { table: ModbusTable; address: number }[] {
  const probes = new Map<string, { table: ModbusTable; address: number }>();
  for (const profile of profiles) {
    const probe = profile.identification?.probe;
    if (probe) probes.set(`${probe.table}:${probe.address}`, { table: probe.table, address: probe.address });
  }
  return [...probes.values()];
}
