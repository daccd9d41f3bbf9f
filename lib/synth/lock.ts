import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockedError, UnsafePathError } from './errors';
import { lstatOrUndefined } from './safe-paths';

/**
 * One synth at a time per output folder.
 *
 * The lock is the file `.layered-egress.lock` in the folder, holding who took it (pid,
 * host, process start time, command). It is created complete and atomically: the holder
 * text is written and fsynced to a private file, then hard-linked to the lock name, and
 * `link` fails if the name exists (POSIX; the same primitive lock files on NFS rely on).
 *
 * Why not `proper-lockfile`: it declares a lock stale when its mtime stops being
 * refreshed, from a timer; synth is synchronous CPU work (cdktf and cdk8s synthesis) that
 * can keep the event loop busy longer than any stale timeout, so a live run would be
 * taken over. Here a lock is stale only when its holder process is gone: same host and
 * that pid no longer running, or running with another start time (a reused pid).
 *
 * Taking over a stale lock is itself race-free between contenders: the stale file is
 * renamed to a private name (only one contender's rename succeeds), checked to be the
 * same stale holder, and only then removed.
 */
export const LOCK_FILE = '.layered-egress.lock';
const PRIVATE_PREFIX = `${LOCK_FILE}.`;

interface Holder {
  readonly pid: number;
  readonly host: string;
  /** Linux: the process start time in clock ticks since boot (field 22 of /proc/<pid>/stat), telling a reused pid apart. */
  readonly start?: string;
  readonly since: string;
  readonly command: string;
  readonly token: string;
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** How long to wait for a live holder before giving up. @default 10000 */
  readonly waitMs?: number;
  /** Called at each step that changes the folder (fault-injection tests). @default none */
  readonly onStep?: (what: string) => void;
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isRunning(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell: treat as live
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return holder.start === undefined || start === undefined || start === holder.start;
}

function describe(holder: Holder | undefined): string {
  if (!holder) return 'an unknown process (the lock file is unreadable)';
  return `pid ${holder.pid} on ${holder.host} since ${holder.since} (${holder.command})`;
}

function readHolder(path: string): Holder | undefined {
  const stats = lstatOrUndefined(path);
  if (!stats) return undefined;
  if (!stats.isFile()) throw new UnsafePathError(path, stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof holder.pid === 'number' && typeof holder.token === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock of `folder` (which must exist), waiting up to `waitMs` for a live holder
 * and taking over a dead one's.
 * @returns a function that releases the lock
 * @throws LockedError naming the holder when it is still held after `waitMs`
 */
export function acquireLock(folder: string, options: LockOptions = {}): () => void {
  const step = options.onStep ?? (() => undefined);
  const path = join(folder, LOCK_FILE);
  const token = randomBytes(8).toString('hex');
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    start: processStart(process.pid),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 200),
    token,
  };
  const mine = join(folder, `${PRIVATE_PREFIX}${process.pid}-${token}.new`);
  step('lock: write holder');
  const fd = openSync(mine, 'wx');
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(mine);
    throw e;
  }
  closeSync(fd);
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  try {
    for (;;) {
      try {
        step('lock: link');
        linkSync(mine, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (holder === undefined && lstatOrUndefined(path) === undefined) continue;
      if (holder === undefined || !isRunning(holder)) {
        takeOver(folder, path, holder, token, step);
        continue;
      }
      if (Date.now() >= deadline) throw new LockedError(path, describe(holder));
      sleep(50);
    }
  } finally {
    step('lock: remove private holder file');
    unlinkSync(mine);
  }
  sweepPrivateFiles(folder);
  return () => {
    const current = readHolder(path);
    if (current?.token === token) {
      step('lock: release');
      unlinkSync(path);
    }
  };
}

/** Moves a stale lock aside under a private name, then removes it if it is the one judged stale. */
function takeOver(folder: string, path: string, stale: Holder | undefined, token: string, step: (what: string) => void): void {
  const aside = join(folder, `${PRIVATE_PREFIX}${process.pid}-${token}.stale`);
  try {
    step('lock: move stale lock aside');
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // another contender took it first
    throw e;
  }
  const moved = readHolder(aside);
  if (moved?.token !== stale?.token) {
    // A live holder took the lock between our read and our rename: give it back.
    try {
      linkSync(aside, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  step('lock: remove stale lock');
  unlinkSync(aside);
}

/** Removes private lock files left by killed runs (their pid is gone). */
function sweepPrivateFiles(folder: string): void {
  for (const name of readdirSync(folder)) {
    const m = /^\.layered-egress\.lock\.(\d+)-[0-9a-f]+\.(new|stale)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code !== 'ESRCH';
    }
    const path = join(folder, name);
    if (!alive && lstatOrUndefined(path)?.isFile()) unlinkSync(path);
  }
}
