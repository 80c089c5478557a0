import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeSecretFile, messageOf } from '@beffroi/runtime';
import { DocumentException, DocumentExceptionCode } from '@beffroi/domain';
import { LoadedGatewayConfig } from '../gateway.config';

/** The shortest local credential `localAccess.passwordEnv` may give. */
const MIN_LENGTH = 12;

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * The local credential of the local API (`Authorization: Basic` with the user `local`). Either the value of the
 * environment variable `localAccess.passwordEnv`, or one generated at first start: shown once in the log, only its
 * SHA-256 kept (a random 144-bit secret needs no slow hash), in `localAccess.credentialFile` with mode 0600. Deleting
 * the file and restarting rotates it; `localAccess.enabled: false` disables it.
 */
@Injectable()
export class LocalCredential implements OnModuleInit {
  private readonly logger = new Logger(LocalCredential.name);
  private hash: Buffer | undefined;

  constructor(private readonly loaded: LoadedGatewayConfig) {}

  get path(): string {
    const { localAccess, storage } = this.loaded.config;
    return resolve(localAccess.credentialFile ?? join(dirname(storage.path), 'local-credential'));
  }

  /** Loads (or generates) the credential; a missing or short environment variable is a config problem, naming it. */
  onModuleInit(): void {
    const { localAccess } = this.loaded.config;
    if (!localAccess.enabled) {
      this.logger.log('local credential disabled (localAccess.enabled: false): only field tokens open the local API');
      return;
    }
    if (localAccess.passwordEnv !== undefined) {
      const value = process.env[localAccess.passwordEnv] ?? '';
      const problem =
        value === ''
          ? `environment variable ${localAccess.passwordEnv} is not set`
          : value.length < MIN_LENGTH
            ? `environment variable ${localAccess.passwordEnv} is shorter than ${MIN_LENGTH} characters`
            : undefined;
      if (problem !== undefined) {
        throw new DocumentException(DocumentExceptionCode.Invalid, this.loaded.path, [
          { path: 'localAccess.passwordEnv', message: problem },
        ]);
      }
      this.hash = hashOf(value);
      return;
    }
    this.hash = this.stored() ?? this.generate();
  }

  /** Whether `secret` is the local credential (always false when it is disabled). */
  accepts(secret: string): boolean {
    return this.hash !== undefined && timingSafeEqual(hashOf(secret), this.hash);
  }

  private stored(): Buffer | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`localAccess.credentialFile: cannot read ${this.path} (${messageOf(error)})`);
    }
    const [scheme, hash] = text.split('$');
    const bytes = Buffer.from(hash ?? '', 'base64url');
    if (scheme !== 'sha256' || bytes.length !== 32) {
      throw new Error(`localAccess.credentialFile: ${this.path} is not a credential hash; delete it to get a new one`);
    }
    if ((statSync(this.path).mode & 0o077) !== 0)
      this.logger.warn(`${this.path} is readable by other users: chmod 600 it`);
    return bytes;
  }

  private generate(): Buffer {
    const secret = randomBytes(18).toString('base64url');
    const hash = hashOf(secret);
    const path = this.path;
    writeSecretFile(path, `sha256$${hash.toString('base64url')}\n`);
    this.logger.warn(
      `local credential generated, shown this once (only its hash is kept in ${path}): ${secret} ` +
        `— e.g. curl -u local:${secret} http://<gateway>/outputs`,
    );
    return hash;
  }
}
