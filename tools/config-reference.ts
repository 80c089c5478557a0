/**
 * `npm run docs:config`: writes docs/configuration-reference.md from the zod schemas of the gateway's and central's
 * configs, so the reference cannot drift from what the apps accept. test/medium/config-reference.medium-spec.ts fails
 * when the committed file is not what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { gatewayConfigSchema } from '@beffroi/domain';
import { centralConfigSchema } from '../apps/central/src/central.config';

export const REFERENCE_FILE = join('docs', 'configuration-reference.md');

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((value) => JSON.stringify(value)).join(' or ');
  const options = schema.anyOf ?? schema.oneOf;
  if (options !== undefined) return options.map(typeOf).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array' && schema.items !== undefined) return `${typeOf(schema.items)}[]`;
  const bounds = [
    schema.minimum === undefined ? '' : `≥ ${schema.minimum}`,
    schema.maximum === undefined ? '' : `≤ ${schema.maximum}`,
  ].filter((bound) => bound !== '');
  return bounds.length === 0 ? type : `${type} ${bounds.join(', ')}`;
}

function rows(schema: JsonSchema, path: string, required: boolean, into: Row[]): void {
  if (path !== '') {
    into.push({
      path,
      type: typeOf(schema),
      required,
      default: schema.default === undefined ? '' : JSON.stringify(schema.default),
      description: schema.description ?? '',
    });
  }
  const branches = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  for (const branch of branches) {
    for (const [key, child] of Object.entries(branch.properties ?? {})) {
      rows(child, path === '' ? key : `${path}.${key}`, branch.required?.includes(key) ?? false, into);
    }
    if (branch.items !== undefined) rows(branch.items, `${path}[]`, true, into);
  }
}

function table(title: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const list: Row[] = [];
  rows(json, '', true, list);
  const seen = new Set<string>();
  const lines = list
    .filter((row) => {
      const key = `${row.path}|${row.type}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((row) => {
      const facts = [row.type, row.required ? 'required' : 'optional'];
      if (row.default !== '') facts.push(`default \`${row.default}\``);
      return `- \`${row.path}\`: ${facts.join(', ')}${row.description === '' ? '' : `. ${row.description}`}`;
    });
  return [`## ${title}`, '', ...lines].join('\n');
}

/** The reference's text: for each config, every key with its type, whether it is required, its default and its description. */
export function configReference(): string {
  return [
    '# Configuration reference',
    '',
    '<!-- Written by `npm run docs:config` from the zod schemas; do not edit by hand. -->',
    '',
    'Every key the apps accept, generated from the schemas they validate their config with (docs/configuration.md',
    'explains them with examples). `a[]` is an element of the list `a`; a key listed twice is one of the shapes a',
    'union accepts.',
    '',
    table('Gateway (`config/gateway.yaml`)', gatewayConfigSchema),
    '',
    table('Central (`config/central.yaml`)', centralConfigSchema),
    '',
  ].join('\n');
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  writeFileSync(join(root, REFERENCE_FILE), configReference());
  console.log(`wrote ${REFERENCE_FILE}`);
}
