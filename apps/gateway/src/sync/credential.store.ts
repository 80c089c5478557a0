import { Injectable, Logger } from '@nestjs/common';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeSecretFile } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';

/**
 * The gateway's credential for central, in the file `central.credentialFile` (from the working directory, like
 * `storage.path`). Written once at enrolment, atomically (a temporary file renamed over it) and readable by the
 * gateway's user only (0600).
 */
@Injectable()
export class CredentialStore {
  private readonly logger = new Logger(CredentialStore.name);

  constructor(private readonly loaded: LoadedGatewayConfig) {}

  get path(): string {
    return resolve(this.loaded.config.central?.credentialFile ?? 'var/gateway-credential');
  }

  /** The credential, or undefined when the file does not exist (or is empty). Other read errors throw. */
  read(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if ((statSync(this.path).mode & 0o077) !== 0) {
      this.logger.warn(`${this.path} is readable by other users: chmod 600 it`);
    }
    const credential = text.trim();
    return credential === '' ? undefined : credential;
  }

  /** Writes the credential: folder created if needed, temporary file with mode 0600, synced, renamed over the file. */
  write(credential: string): void {
    const path = this.path;
    writeSecretFile(path, `${credential}\n`);
  }
}
