import { byText } from '../model/compare';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { OutputError, UnsafePathError } from './errors';
import { ensureParentFolders, isSafeRelative, lstatOrUndefined, removeEmptyParentFolders } from './safe-paths';

/**
 * The commit protocol that replaces the generated files of several output folders as one
 * change (a redo log):
 *
 * 1. stage: every new file is written and fsynced under `<folder>/.layered-egress-staging/new/`
 *    of its own folder (so each later rename stays on one file system);
 * 2. commit point: the journal (every folder, every file to move in, every file to delete)
 *    is written to `<first folder>/.layered-egress-journal` with write-file-atomic (temp
 *    file, fsync, rename) and the folder fsynced;
 * 3. apply: each staged file is renamed over its target, stale files are unlinked;
 * 4. clean up: staging folders removed, then the journal.
 *
 * A run killed before the commit point leaves only staging folders: the next run deletes
 * them (roll back; the outputs were never touched). A run killed after it leaves the
 * journal: the next run finishes steps 3 and 4 (roll forward). Step 3 is idempotent: a
 * staged file that is gone has been moved already.
 */
export const STAGING = '.layered-egress-staging';
export const JOURNAL = '.layered-egress-journal';
const STAGING_OWNER = 'owner.json';

/** One folder's part of a commit. */
export interface FolderPlan {
  /** Absolute, resolved folder path. */
  readonly root: string;
  /** Files to write, relative `/` paths, with their content. */
  readonly writes: ReadonlyMap<string, string>;
  /** Files to delete (stale generated files), relative `/` paths. */
  readonly deletes: readonly string[];
}

interface Journal {
  readonly version: 1;
  readonly id: string;
  readonly folders: ReadonlyArray<{ readonly root: string; readonly writes: readonly string[]; readonly deletes: readonly string[] }>;
}

/** Hooks for the fault-injection tests. */
export interface CommitHooks {
  /** Called before each step that changes a folder; a test may kill the process there. @default none */
  readonly onStep?: (what: string) => void;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeNewFile(path: string, content: string): void {
  // 'wx' refuses an existing name, link or not: a staged file is always new.
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where a commit stands when it fails, for an honest message. */
type Phase = 'staging' | 'applying' | 'cleaning';

/**
 * Commits the plans as one change: afterwards every folder holds the new files, or (when
 * this throws before the commit point) every folder is as it was.
 * @throws OutputError saying whether anything changed and how to recover
 */
export function commitFolders(plans: readonly FolderPlan[], hooks: CommitHooks = {}): void {
  const step = hooks.onStep ?? (() => undefined);
  const id = randomBytes(8).toString('hex');
  const journalPath = join(plans[0].root, JOURNAL);
  let phase: Phase = 'staging';
  try {
    for (const plan of plans) stage(plan, id, journalPath, step);
    const journal: Journal = {
      version: 1,
      id,
      folders: plans.map((p) => ({ root: p.root, writes: [...p.writes.keys()].sort(), deletes: [...p.deletes].sort() })),
    };
    step('journal: write (commit point)');
    writeFileAtomic.sync(journalPath, `${JSON.stringify(journal, null, 1)}\n`, {
      fsync: true,
      tmpfileCreated: () => step('journal: temp file written, before its rename'),
    });
    // From here on the journal exists: a failure must be finished forward, never undone by deleting the staging.
    phase = 'applying';
    fsyncPath(plans[0].root);
    applyJournal(journal, step);
    phase = 'cleaning';
    finishJournal(journal, journalPath, step);
  } catch (e) {
    if (phase === 'staging') {
      for (const plan of plans) {
        try {
          removeStaging(plan.root, () => undefined);
        } catch {
          // Left for the next run, which removes staging that no journal points to.
        }
      }
      throw e;
    }
    const cause = e instanceof Error ? e.message : String(e);
    throw new OutputError(
      phase === 'applying'
        ? `the new outputs were committed but could not all be moved into place (${cause}). ` +
            `The journal ${journalPath} records what is left: fix the cause and run synth again to finish (it rolls forward).`
        : `the new outputs are in place, but cleaning up failed (${cause}). Run synth again to remove ${journalPath} and the ${STAGING} folders.`,
      true,
    );
  }
}

function stage(plan: FolderPlan, id: string, journalPath: string, step: (what: string) => void): void {
  const staging = join(plan.root, STAGING);
  step(`stage ${basename(plan.root)}: create ${STAGING}`);
  mkdirSync(staging);
  writeNewFile(join(staging, STAGING_OWNER), `${JSON.stringify({ id, journal: journalPath })}\n`);
  const folders = new Set<string>([staging]);
  for (const [rel, content] of [...plan.writes].sort(([a], [b]) => byText(a, b))) {
    const path = join(staging, 'new', rel);
    mkdirSync(dirname(path), { recursive: true });
    step(`stage ${basename(plan.root)}: ${rel}`);
    writeNewFile(path, content);
    for (let d = dirname(path); d.length > staging.length; d = dirname(d)) folders.add(d);
  }
  // The directory entries must be durable too before the journal may point at them.
  for (const folder of folders) fsyncPath(folder);
}

function applyJournal(journal: Journal, step: (what: string) => void): void {
  for (const folder of journal.folders) {
    const staging = join(folder.root, STAGING, 'new');
    const touched = new Set<string>([folder.root]);
    for (const rel of folder.writes) {
      if (!isSafeRelative(rel)) throw new OutputError(`the journal names an unsafe path '${rel}'`, true);
      const from = join(staging, rel);
      if (!lstatOrUndefined(from)) continue; // moved by an earlier, interrupted run
      ensureParentFolders(folder.root, rel);
      const to = join(folder.root, rel);
      const existing = lstatOrUndefined(to);
      if (existing && !existing.isFile()) throw new UnsafePathError(to, existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
      step(`apply ${basename(folder.root)}: move ${rel}`);
      renameSync(from, to);
      touched.add(dirname(to));
    }
    for (const rel of folder.deletes) {
      if (!isSafeRelative(rel)) throw new OutputError(`the journal names an unsafe path '${rel}'`, true);
      const path = join(folder.root, rel);
      const existing = lstatOrUndefined(path);
      if (existing) {
        if (!existing.isFile()) throw new UnsafePathError(path, existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
        step(`apply ${basename(folder.root)}: delete ${rel}`);
        unlinkSync(path);
      }
      touched.add(dirname(path));
      for (const removed of removeEmptyParentFolders(folder.root, rel)) touched.add(dirname(removed));
    }
    for (const dir of touched) if (lstatOrUndefined(dir)?.isDirectory()) fsyncPath(dir);
  }
}

function finishJournal(journal: Journal, journalPath: string, step: (what: string) => void): void {
  for (const folder of journal.folders) removeStaging(folder.root, step);
  step('journal: remove');
  unlinkSync(journalPath);
  fsyncPath(dirname(journalPath));
}

function removeStaging(root: string, step: (what: string) => void): void {
  const staging = join(root, STAGING);
  const stats = lstatOrUndefined(staging);
  if (!stats) return;
  if (!stats.isDirectory()) throw new UnsafePathError(staging, stats.isSymbolicLink() ? 'a symbolic link' : 'not a folder');
  step(`clean ${basename(root)}: remove ${STAGING}`);
  // rmSync never follows links inside the folder: it removes the links themselves.
  rmSync(staging, { recursive: true, force: true });
}

function readJournal(path: string): Journal {
  try {
    const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
    if (journal.version !== 1 || !Array.isArray(journal.folders)) throw new Error('unknown format');
    return journal;
  } catch (e) {
    throw new OutputError(`cannot read the journal ${path} of an interrupted run (${(e as Error).message}); inspect the output folders, then remove it`, true);
  }
}

/**
 * Folders named by a journal or staging folder in `roots` that are not among them: an
 * interrupted run into another pair of folders (`npx cdk8s synth` writes manifests/ and
 * its own scratch folder) that must be locked and finished too.
 */
export function foldersOfInterruptedRuns(roots: readonly string[]): string[] {
  const found = new Set<string>();
  for (const root of roots) {
    const journalPath = join(root, JOURNAL);
    if (lstatOrUndefined(journalPath)?.isFile()) {
      for (const folder of readJournal(journalPath).folders) found.add(folder.root);
    }
    const staging = join(root, STAGING);
    if (lstatOrUndefined(staging)?.isDirectory()) {
      const owner = readStagingOwner(staging);
      if (owner?.journal && lstatOrUndefined(owner.journal)?.isFile()) {
        for (const folder of readJournal(owner.journal).folders) found.add(folder.root);
      }
    }
  }
  return [...found].filter((folder) => !roots.includes(folder) && lstatOrUndefined(folder)?.isDirectory());
}

/** What recovery did, for the CLI to report. */
export interface Recovery {
  /** Folders whose interrupted commit was finished (rolled forward). */
  readonly rolledForward: readonly string[];
  /** Folders whose uncommitted staging was removed (rolled back). */
  readonly rolledBack: readonly string[];
}

/**
 * Finishes or undoes what an interrupted run left in `roots` (all locked by the caller):
 * a journal is rolled forward, staging without a journal is removed, and so are the
 * journal's temp files.
 * @throws OutputError when a journal involves a folder that is not among `roots`
 */
export function recoverFolders(roots: readonly string[], hooks: CommitHooks = {}): Recovery {
  const step = hooks.onStep ?? (() => undefined);
  const rolledForward: string[] = [];
  const rolledBack: string[] = [];
  for (const root of roots) {
    const journalPath = join(root, JOURNAL);
    const stats = lstatOrUndefined(journalPath);
    if (!stats) continue;
    if (!stats.isFile()) throw new UnsafePathError(journalPath, stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
    const journal = readJournal(journalPath);
    const others = journal.folders.map((f) => f.root).filter((r) => !roots.includes(r));
    if (others.length > 0) {
      throw new OutputError(
        `an interrupted synth into ${journal.folders.map((f) => f.root).join(' and ')} must be finished first: run synth once with those output folders`,
        true,
      );
    }
    applyJournal(journal, step);
    finishJournal(journal, journalPath, step);
    rolledForward.push(...journal.folders.map((f) => f.root));
  }
  for (const root of roots) {
    const staging = join(root, STAGING);
    if (lstatOrUndefined(staging)) {
      const owner = readStagingOwner(staging);
      if (owner && owner.journal && !roots.includes(dirname(owner.journal)) && lstatOrUndefined(owner.journal)) {
        throw new OutputError(
          `${staging} belongs to an interrupted synth whose journal is ${owner.journal}: run synth once with that folder to finish it`,
          true,
        );
      }
      removeStaging(root, step);
      rolledBack.push(root);
    }
    for (const name of readdirSync(root)) {
      // write-file-atomic's temp file of a journal write that was killed half-way.
      if (name.startsWith(`${JOURNAL}.`) && lstatSync(join(root, name)).isFile()) {
        step(`clean ${basename(root)}: remove ${name}`);
        unlinkSync(join(root, name));
      }
    }
  }
  return { rolledForward: [...new Set(rolledForward)], rolledBack };
}

function readStagingOwner(staging: string): { id?: string; journal?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(staging, STAGING_OWNER), 'utf8')) as { id?: string; journal?: string };
  } catch {
    return undefined;
  }
}
