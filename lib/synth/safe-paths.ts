import { lstatSync, mkdirSync, readdirSync, rmdirSync, Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { OutputLayoutError, UnsafePathError } from './errors';

/**
 * Path checks for everything the tool writes, replaces or deletes below an output folder.
 * Every component is looked at with `lstat` (which never follows a link): a symbolic link
 * anywhere below the folder is refused, so a rename, an unlink or a mkdir can only ever
 * land inside the folder. The folder itself is resolved once (it may be a link the user
 * made on purpose, such as `manifests -> ../gitops/manifests`).
 */

/** What is at a path, without following links; undefined when nothing is there. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFile()) return 'a file';
  return 'a special file (socket, device or pipe)';
}

/** True when `rel` is a plain relative path that stays below its root. */
export function isSafeRelative(rel: string): boolean {
  if (rel === '' || isAbsolute(rel) || rel.includes('\0') || rel.includes('\\')) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** What a target looks like before the commit, for the checks that must pass first. */
export interface TargetState {
  /** Whether a regular file is already there. */
  readonly exists: boolean;
  /** The deepest existing folder on the way (the target's parent when it exists). */
  readonly nearestFolder: string;
  readonly nearestFolderStats: Stats;
}

/**
 * Checks the way from `root` to `root/rel`: every existing component a real folder (not a
 * link), the target itself absent or a regular file.
 * @throws UnsafePathError for a link or a special file, OutputLayoutError for a file where a folder should be (or the reverse)
 */
export function inspectTarget(root: string, rel: string): TargetState {
  if (!isSafeRelative(rel)) throw new OutputLayoutError(`refusing the path '${rel}' below ${root}: it would leave the output folder`);
  const parts = rel.split('/');
  let folder = root;
  let folderStats = lstatSync(root);
  for (let i = 0; i < parts.length; i++) {
    const path = join(folder, parts[i]);
    const stats = lstatOrUndefined(path);
    const last = i === parts.length - 1;
    if (!stats) return { exists: false, nearestFolder: folder, nearestFolderStats: folderStats };
    if (stats.isSymbolicLink() || (!stats.isDirectory() && !stats.isFile())) throw new UnsafePathError(path, kindOf(stats));
    if (last) {
      if (!stats.isFile())
        throw new OutputLayoutError(`cannot write ${path}: it is a folder, where layered-egress writes a file; move it away and synthesize again`);
      return { exists: true, nearestFolder: folder, nearestFolderStats: folderStats };
    }
    if (!stats.isDirectory())
      throw new OutputLayoutError(`cannot write below ${path}: it is a file, where layered-egress needs a folder; move it away and synthesize again`);
    folder = path;
    folderStats = stats;
  }
  return { exists: false, nearestFolder: folder, nearestFolderStats: folderStats };
}

/** Creates the missing folders between `root` and `root/rel`'s parent, one by one, refusing links. */
export function ensureParentFolders(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  let folder = root;
  for (const part of parts) {
    folder = join(folder, part);
    const stats = lstatOrUndefined(folder);
    if (stats === undefined) {
      try {
        mkdirSync(folder);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const now = lstatSync(folder);
      if (!now.isDirectory()) throw new UnsafePathError(folder, kindOf(now));
    } else if (!stats.isDirectory()) {
      throw stats.isSymbolicLink()
        ? new UnsafePathError(folder, kindOf(stats))
        : new OutputLayoutError(`cannot write below ${folder}: it is a file, where layered-egress needs a folder`);
    }
  }
}

/** Removes `root/rel`'s parent folders while they are empty real folders, never `root` itself. */
export function removeEmptyParentFolders(root: string, rel: string): string[] {
  const removed: string[] = [];
  const parts = rel.split('/').slice(0, -1);
  for (let n = parts.length; n > 0; n--) {
    const folder = join(root, ...parts.slice(0, n));
    const stats = lstatOrUndefined(folder);
    if (!stats || !stats.isDirectory() || readdirSync(folder).length > 0) break;
    rmdirSync(folder);
    removed.push(folder);
  }
  return removed;
}

/** True when `inner` is `outer` or lies below it (both absolute, resolved). */
export function isWithin(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
