import { byText } from '../model/compare';
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describeFsError, ForeignFileError, isFsError, OutputError, OutputLayoutError, UnsafePathError } from './errors';
import { acquireLock, LOCK_FILE } from './lock';
import { inspectTarget, isSafeRelative, isWithin, lstatOrUndefined } from './safe-paths';
import { commitFolders, CommitHooks, FolderPlan, foldersOfInterruptedRuns, JOURNAL, recoverFolders, Recovery, STAGING } from './transaction';

/** Name of the ownership record kept in each output root (no extension: GitOps tools never read it as a manifest). */
export const OWNERSHIP_RECORD = '.layered-egress-owned';

/** Names the tool keeps in an output folder for itself (never generated output, never a user's file). */
export const TOOL_FILES: readonly string[] = [OWNERSHIP_RECORD, LOCK_FILE, JOURNAL, STAGING];

/** One folder the tool writes, with the complete set of files it should now hold. */
export interface OutputTree {
  /** Folder to write, for example `manifests`. */
  readonly root: string;
  /** Every generated file, by path relative to `root` with `/` separators. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * Files that are the tool's own even without a record (for example `cdk.tf.json`,
   * which `npx cdktf synth` writes as well). @default none
   */
  readonly alwaysOwned?: (relativePath: string) => boolean;
}

/** Options of {@link writeOutputTrees}. */
export interface WriteOptions extends CommitHooks {
  /** How long to wait for another synth holding an output folder's lock. @default 10000 */
  readonly lockWaitMs?: number;
}

/**
 * How one tree's committed generated files differ from the new ones, relative `/` paths,
 * sorted. The ownership record itself is not listed.
 */
export interface TreeChanges {
  /** Generated now, absent before. */
  readonly added: readonly string[];
  /** Present before and now, with other content. */
  readonly changed: readonly string[];
  /** Generated before (in the ownership record), no longer generated: deleted. */
  readonly removed: readonly string[];
  /** Present before and now, byte for byte the same. */
  readonly unchanged: readonly string[];
}

/** What {@link writeOutputTrees} did besides writing. */
export interface WriteResult {
  /** An earlier, interrupted run that this run finished or undid first. */
  readonly recovery: Recovery;
  /** Per tree, in the order given: what the commit added, changed and removed. */
  readonly changes: readonly TreeChanges[];
}

/**
 * Replaces the generated content of every tree as one change, and nothing else.
 *
 * Under a lock per folder (one synth at a time), it first finishes or undoes whatever an
 * interrupted run left, then checks every path it will touch (no symbolic links, no
 * file it did not write, same file system, writable), stages the new files inside each
 * folder and commits them through a journal (see `transaction.ts`): after a crash at any
 * instant, the next run leaves either the complete old or the complete new state of every
 * tree. Files the tool did not write are never deleted or overwritten.
 *
 * @throws OutputError (never a raw file-system error) saying whether anything was written
 */
export function writeOutputTrees(trees: readonly OutputTree[], options: WriteOptions = {}): WriteResult {
  const created: string[] = [];
  const releases: Array<() => void> = [];
  try {
    const roots = resolveRoots(trees, created);
    const lock = (root: string) => releases.push(acquireLock(root, { waitMs: options.lockWaitMs, onStep: options.onStep }));
    for (const root of [...roots].sort()) lock(root);
    let recovery: Recovery;
    try {
      // An interrupted run into another pair of folders that shares one of ours is finished too, under their locks.
      const others = foldersOfInterruptedRuns(roots);
      for (const other of others.sort()) lock(other);
      recovery = recoverFolders([...roots, ...others], options);
    } catch (e) {
      if (e instanceof OutputError) throw e;
      // Recovery may have moved part of the earlier run's files: never report this as "nothing written".
      const cause = isFsError(e) ? describeFsError(e) : e instanceof Error ? e.message : String(e);
      throw new OutputError(
        `an interrupted earlier synth could not be finished (${cause}); its journal or staging folder is still in place: fix the cause and run synth again`,
        true,
      );
    }
    const planned = trees.map((tree, i) => planTree(tree, roots[i]));
    commitFolders(
      planned.map((p) => p.plan),
      options,
    );
    return { recovery, changes: planned.map((p) => p.changes) };
  } catch (e) {
    if (e instanceof OutputError) throw e;
    // Commit errors after the commit point arrive as OutputError; anything raw happened before it.
    if (isFsError(e)) throw new OutputError(describeFsError(e), false);
    throw e;
  } finally {
    for (const release of releases.reverse()) {
      try {
        release();
      } catch {
        // A lock that cannot be removed is found stale by the next run (its pid is gone).
      }
    }
    // Deepest first, so a parent made for both roots goes after both.
    for (const root of [...created].sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(root);
      } catch {
        // not empty: this run wrote into it
      }
    }
  }
}

/** Resolves each folder once (creating it when missing) and refuses overlapping folders. */
function resolveRoots(trees: readonly OutputTree[], created: string[]): string[] {
  const roots = trees.map((tree) => {
    const absolute = resolve(tree.root);
    const stats = lstatOrUndefined(absolute);
    if (stats === undefined) {
      const parent = nearestExisting(dirname(absolute));
      const parentStats = statSync(parent);
      if (!parentStats.isDirectory()) throw new OutputLayoutError(`cannot create the output folder ${absolute}: ${parent} is a file, not a folder`);
      // Remember every folder this creates, so a failed run removes them again.
      const first = mkdirSync(absolute, { recursive: true });
      for (let dir = absolute; first !== undefined; dir = dirname(dir)) {
        created.push(dir);
        if (dir === first || dir === dirname(dir)) break;
      }
    } else {
      const target = statSync(absolute);
      if (!target.isDirectory()) throw new OutputLayoutError(`the output folder ${absolute} is a file, not a folder: move it away or choose another folder`);
    }
    return realpathSync(absolute);
  });
  roots.forEach((root, i) =>
    roots.forEach((other, j) => {
      if (i >= j) return;
      if (root === other) throw new OutputLayoutError(`${trees[i].root} and ${trees[j].root} are the same folder (${root}): each output needs its own folder`);
      if (isWithin(root, other) || isWithin(other, root)) {
        const [outer, inner] = isWithin(root, other) ? [trees[i].root, trees[j].root] : [trees[j].root, trees[i].root];
        throw new OutputLayoutError(`the output folder ${inner} lies inside the other output folder ${outer}: give each output its own folder`);
      }
    }),
  );
  return roots;
}

function nearestExisting(path: string): string {
  for (let p = path; ; p = dirname(p)) {
    if (lstatOrUndefined(p) !== undefined || p === dirname(p)) return p;
  }
}

/**
 * Checks every path of one tree and works out what to write and delete, and how that
 * differs from what the folder holds (after recovery, so: the last committed state).
 * Each existing target is read once, here. Changes nothing.
 */
function planTree(tree: OutputTree, root: string): { plan: FolderPlan; changes: TreeChanges } {
  const owned = readOwnershipRecord(root);
  const rootDevice = lstatSync(root).dev;
  const checkFolder = (folder: string, folderDevice: number) => {
    if (folderDevice !== rootDevice) {
      throw new OutputLayoutError(
        `${folder} is on another file system than ${root}: layered-egress moves files in with an atomic rename, which cannot cross file systems; make it a plain folder of ${root}`,
      );
    }
    try {
      accessSync(folder, constants.W_OK);
    } catch (e) {
      throw new OutputError(describeFsError(e as NodeJS.ErrnoException, 'write in'), false);
    }
  };
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [rel, content] of tree.files) {
    if (!isSafeRelative(rel) || TOOL_FILES.includes(rel.split('/')[0]))
      throw new OutputLayoutError(`refusing to generate '${rel}': not a plain path below ${root}`);
    const target = inspectTarget(root, rel);
    checkFolder(target.nearestFolder, target.nearestFolderStats.dev);
    const path = join(root, rel);
    if (!target.exists) {
      added.push(rel);
      continue;
    }
    const same = readFileSync(path, 'utf8') === content;
    if (!same && !owned.has(rel) && !tree.alwaysOwned?.(rel)) throw new ForeignFileError(path, OWNERSHIP_RECORD);
    (same ? unchanged : changed).push(rel);
  }
  const deletes: string[] = [];
  for (const rel of owned) {
    if (tree.files.has(rel)) continue;
    const target = inspectTarget(root, rel);
    if (!target.exists) continue;
    checkFolder(target.nearestFolder, target.nearestFolderStats.dev);
    deletes.push(rel);
  }
  const record = inspectTarget(root, OWNERSHIP_RECORD);
  checkFolder(record.nearestFolder, record.nearestFolderStats.dev);
  const writes = new Map(tree.files);
  writes.set(OWNERSHIP_RECORD, ownershipRecordText(tree.files.keys()));
  const sorted = (list: string[]) => [...list].sort();
  return {
    plan: { root, writes, deletes },
    changes: { added: sorted(added), changed: sorted(changed), removed: sorted(deletes), unchanged: sorted(unchanged) },
  };
}

/**
 * Paths (relative, `/`-separated) recorded as generated in `root`; empty when there is no record.
 * @throws UnsafePathError when the record is a symbolic link or not a regular file
 */
export function readOwnershipRecord(root: string): Set<string> {
  const path = join(root, OWNERSHIP_RECORD);
  const stats = lstatOrUndefined(path);
  if (!stats) return new Set();
  if (!stats.isFile()) throw new UnsafePathError(path, stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
  return new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && isSafeRelative(l) && !TOOL_FILES.includes(l.split('/')[0])),
  );
}

function ownershipRecordText(paths: Iterable<string>): string {
  return ['# Files generated by layered-egress; it replaces or removes only these.', ...[...paths].sort()].join('\n') + '\n';
}

/** Reads every file below `root` into a map keyed by `/`-separated relative path (links are not followed). */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byText(a.name, b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  if (lstatOrUndefined(root)) walk(root);
  return files;
}

/**
 * Only the recovery part of {@link writeOutputTrees}: under the folders' locks, finishes
 * or undoes what an interrupted run left, and writes nothing new.
 */
export function recoverOutputs(folders: readonly string[], options: WriteOptions = {}): Recovery {
  const roots = folders.map((f) => realpathSync(f));
  const releases = [...roots].sort().map((root) => acquireLock(root, { waitMs: options.lockWaitMs, onStep: options.onStep }));
  try {
    const others = foldersOfInterruptedRuns(roots);
    for (const other of others.sort()) releases.push(acquireLock(other, { waitMs: options.lockWaitMs, onStep: options.onStep }));
    return recoverFolders([...roots, ...others], options);
  } finally {
    for (const release of releases.reverse()) release();
  }
}
