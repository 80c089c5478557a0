import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type FieldKey, publishedFieldKey, writeSecretFile } from '@beffroi/runtime';
import { CentralConfig } from '../central.config';

/**
 * Central's Ed25519 key for field tokens, in `fieldTokens.keyFile` (default: `field-signing-key.pem` next to the
 * database). Generated at first start, written atomically with mode 0600; a key that cannot be read stops the start
 * with the path and the reason. Its public half goes to each gateway at enrolment.
 */
@Injectable()
export class FieldSigningKey implements OnModuleInit {
  private readonly logger = new Logger(FieldSigningKey.name);
  private key: KeyObject | undefined;

  constructor(private readonly config: CentralConfig) {}

  get path(): string {
    return resolve(this.config.fieldTokens.keyFile ?? join(dirname(this.config.storage.path), 'field-signing-key.pem'));
  }

  onModuleInit(): void {
    this.key = this.load();
    this.logger.log(`field tokens are signed with key ${this.published().keyId} (${this.path})`);
  }

  /** The private key (loaded at start). */
  privateKey(): KeyObject {
    this.key ??= this.load();
    return this.key;
  }

  /** Its public half and key id, as gateways receive it. */
  published(): FieldKey {
    return publishedFieldKey(this.privateKey());
  }

  private load(): KeyObject {
    const path = this.path;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`fieldTokens.keyFile: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? ''})`);
      }
      return this.generate(path);
    }
    if ((statSync(path).mode & 0o077) !== 0) this.logger.warn(`${path} is readable by other users: chmod 600 it`);
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch {
      throw new Error(`fieldTokens.keyFile: ${path} is not a PEM private key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`fieldTokens.keyFile: ${path} holds a ${key.asymmetricKeyType ?? '?'} key; expected Ed25519`);
    }
    return key;
  }

  private generate(path: string): KeyObject {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSecretFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    this.logger.log(`generated the field-token signing key ${path}`);
    return privateKey;
  }
}
