import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type FieldKey, writeSecretFile } from '@beffroi/runtime';
import { z } from 'zod';
import { LoadedGatewayConfig } from '../gateway.config';

/** Central's published keys, as the key file and `GET /api/field-keys` hold them. */
export const fieldKeys = z.array(z.strictObject({ keyId: z.string().min(1), publicKey: z.string().min(1) }));

/**
 * Central's public keys for field tokens, received at enrolment and refreshed from central ({@link FieldKeyRefresher}),
 * in `<central.credentialFile>-field-key.json` beside the credential (written atomically). A gateway without central, or not enrolled yet, knows no key: field tokens are
 * refused and only the local credential opens the local API.
 */
@Injectable()
export class FieldKeyStore {
  private cached: readonly FieldKey[] | undefined;

  constructor(private readonly loaded: LoadedGatewayConfig) {}

  get path(): string | undefined {
    const central = this.loaded.config.central;
    return central === undefined ? undefined : `${resolve(central.credentialFile)}-field-key.json`;
  }

  /** The keys field tokens may be signed with; none before enrolment. A file that is not ours throws, naming it. */
  keys(): readonly FieldKey[] {
    this.cached ??= this.read();
    return this.cached;
  }

  /** Adds central's key (a key id already known is replaced): called with the enrolment answer. */
  remember(key: FieldKey): void {
    this.replace([...this.keys().filter((known) => known.keyId !== key.keyId), key]);
  }

  /** The keys central publishes now, instead of those known (a rotated key drops out). */
  replace(keys: readonly FieldKey[]): void {
    const path = this.path;
    if (path === undefined) return;
    writeSecretFile(path, `${JSON.stringify(keys, null, 2)}\n`);
    this.cached = keys;
  }

  private read(): readonly FieldKey[] {
    const path = this.path;
    if (path === undefined) return [];
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = fieldKeys.safeParse(parsed);
    if (!result.success) throw new Error(`${path}: expected central's field keys ([{keyId, publicKey}])`);
    return result.data;
  }
}
