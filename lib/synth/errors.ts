/**
 * Expected failures of the write phase. Each says, in words a user acts on, what went
 * wrong, whether the output folders changed, and how to recover; the CLI prints the
 * message without a stack trace and exits 1.
 */
export class OutputError extends Error {
  /**
   * @param written true when an output folder may already hold part of the new state
   *   (the message then says how to finish or undo it); false when both folders are as
   *   they were before the run
   */
  constructor(
    message: string,
    readonly written: boolean,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

/** A file in an output folder that the tool did not write and would have to replace. */
export class ForeignFileError extends OutputError {
  constructor(
    readonly path: string,
    record: string,
  ) {
    super(
      `refusing to overwrite ${path}: layered-egress did not write it (it is not in ${record}). ` +
        'Move it elsewhere, or delete it if it is an old copy of generated output, then synthesize again.',
      false,
    );
    this.name = 'ForeignFileError';
  }
}

/** A symbolic link, or something other than a folder or a regular file, where the tool writes, replaces or deletes. */
export class UnsafePathError extends OutputError {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(
      `refusing to touch ${path}: it is ${what}. layered-egress never writes, replaces or deletes through a symbolic link ` +
        '(it could lead outside the output folders); replace it with a plain folder or file, or remove it, then synthesize again.',
      false,
    );
    this.name = 'UnsafePathError';
  }
}

/** Another synth holds the lock of an output folder. */
export class LockedError extends OutputError {
  constructor(
    readonly lockPath: string,
    holder: string,
  ) {
    super(
      `another synth is writing these outputs: ${lockPath} is held by ${holder}. ` +
        `Wait for it to finish and run again; if no such process is running, remove ${lockPath}.`,
      false,
    );
    this.name = 'LockedError';
  }
}

/** The output folders, as given, cannot be used (same folder twice, one inside the other, a file where a folder should be). */
export class OutputLayoutError extends OutputError {
  constructor(message: string) {
    super(message, false);
    this.name = 'OutputLayoutError';
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'the file system is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EEXIST: 'something already exists there',
  ENOTDIR: 'a file is where a folder should be',
  EISDIR: 'a folder is where a file should be',
  EXDEV: 'it is on another file system',
  ENOENT: 'it does not exist',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/** True for the errors of a file-system call (they carry an errno `code`). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  // Duck-typed: an error from node's fs may come from another realm (vm, test runners), where instanceof fails.
  return (
    typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** `cannot <action> <path>: <cause> (<CODE>)`, for an errno error. */
export function describeFsError(e: NodeJS.ErrnoException, action = e.syscall ?? 'write'): string {
  const cause = CAUSES[e.code ?? ''] ?? e.message;
  const dest = (e as NodeJS.ErrnoException & { dest?: string }).dest;
  return `cannot ${action} ${e.path ?? ''}${dest ? ` -> ${dest}` : ''}: ${cause} (${e.code})`.replace(/ {2,}/g, ' ');
}
