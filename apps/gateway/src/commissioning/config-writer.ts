import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** How many backups of the config file `config-history/` keeps (the oldest go first). */
export const KEPT_CONFIG_BACKUPS = 20;

/** The folder, beside the config file, of its dated backups and of the journal of changes. */
export const CONFIG_HISTORY_DIR = 'config-history';

/** The journal of changes, in {@link CONFIG_HISTORY_DIR}: one JSON object a line. */
const JOURNAL = 'changes.jsonl';

/** One change of the config file made by commissioning, as the journal records it. */
export interface ConfigChange {
  at: string;
  action: 'bind' | 'unbind';
  equipment: string;
  /** The login of who made it (`local` for the local credential). */
  by: string;
  /** The backup of the file as it was before. */
  backup: string;
  /** A binding forced over a live check that found problems: those problems. */
  forcedOver?: { point: string; status: string; reason?: string }[];
}

/** A backup of the config file, with the change that replaced it when the journal has it. */
export interface ConfigBackup {
  file: string;
  bytes: number;
  change?: ConfigChange;
}

/** The file system steps of a write that a test may make fail (on a real file system, where root ignores modes). */
export interface ConfigWriteSteps {
  rename(from: string, to: string): void;
}

/**
 * Writes the gateway's config file atomically: the new text goes to a temporary file in the same folder, flushed to
 * disk (fsync), checked, then renamed over the file, and the folder flushed. A crash or a failure at any step leaves
 * either the old file or the new one, whole, never a mix; the temporary file of a failed write is removed. Before the
 * rename, the old file is copied to `config-history/<name>.<UTC instant>.yaml`; the last {@link KEPT_CONFIG_BACKUPS}
 * backups are kept, and each change is recorded in `config-history/changes.jsonl`.
 */
export class ConfigFileWriter {
  constructor(
    readonly path: string,
    private readonly keep = KEPT_CONFIG_BACKUPS,
    private readonly steps: ConfigWriteSteps = { rename: renameSync },
  ) {}

  get historyDir(): string {
    return join(dirname(this.path), CONFIG_HISTORY_DIR);
  }

  read(): string {
    return readFileSync(this.path, 'utf8');
  }

  /**
   * Replaces the file with `text` once `validate` accepts it as written in the temporary file (it throws otherwise:
   * nothing changes), backing the old file up first; records `change` with its backup's name. Answers the backup.
   */
  write(
    text: string,
    now: Date,
    validate: (writtenPath: string) => void,
    change: Omit<ConfigChange, 'backup'>,
  ): string {
    const dir = dirname(this.path);
    const mode = statSync(this.path).mode & 0o777;
    const temporary = join(dir, `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    let backup: string | undefined;
    try {
      writeDurably(temporary, text, mode);
      validate(temporary);
      backup = this.backup(now, mode);
      this.steps.rename(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      if (backup !== undefined) rmSync(join(this.historyDir, backup), { force: true });
      throw error;
    }
    syncFolder(dir);
    appendFileSync(join(this.historyDir, JOURNAL), `${JSON.stringify({ ...change, backup })}\n`, { mode: 0o600 });
    this.prune();
    return backup;
  }

  /** The backups kept, newest first, each with the change that replaced it. */
  history(): ConfigBackup[] {
    const changes = new Map(this.journal().map((change) => [change.backup, change]));
    return this.backups()
      .reverse()
      .map((file) => {
        const change = changes.get(file);
        return {
          file,
          bytes: statSync(join(this.historyDir, file)).size,
          ...(change === undefined ? {} : { change }),
        };
      });
  }

  /** Copies the file as it is into the history folder; answers the backup's name. */
  private backup(now: Date, mode: number): string {
    mkdirSync(this.historyDir, { recursive: true, mode: 0o700 });
    // Names sort by instant: a backup in the same millisecond as another takes the next free millisecond.
    let at = now.getTime();
    const nameAt = (ms: number) =>
      `${this.stem()}.${new Date(ms).toISOString().replaceAll(':', '-')}${extname(this.path)}`;
    while (existsSync(join(this.historyDir, nameAt(at)))) at++;
    const name = nameAt(at);
    writeDurably(join(this.historyDir, name), this.read(), mode);
    return name;
  }

  /** The backups in the history folder, oldest first (their names sort by instant). */
  private backups(): string[] {
    if (!existsSync(this.historyDir)) return [];
    const prefix = `${this.stem()}.`;
    return readdirSync(this.historyDir)
      .filter((file) => file.startsWith(prefix) && file.endsWith(extname(this.path)))
      .sort();
  }

  private journal(): ConfigChange[] {
    const path = join(this.historyDir, JOURNAL);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ConfigChange);
  }

  private prune(): void {
    const backups = this.backups();
    for (const file of backups.slice(0, Math.max(0, backups.length - this.keep))) {
      rmSync(join(this.historyDir, file), { force: true });
    }
  }

  private stem(): string {
    return basename(this.path, extname(this.path));
  }
}

/** Writes a whole file and flushes it to disk before answering. */
function writeDurably(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename in it) to disk. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
