/**
 * Output sinks: stdout, a file, or a folder of files (docs/reliability.md).
 *
 * - A regular file (or a new one) is written atomically: a temporary file beside the target, renamed into
 *   place only when the whole output was written; a failed run removes it and leaves any previous file. The
 *   permissions of a replaced file are kept.
 * - A symbolic link is followed: the atomic rename happens at the link's final target (the temporary file in
 *   the target's folder), so the link stays a link.
 * - Devices, FIFOs and other files that are not regular are opened and written directly (no temporary file,
 *   no rename: `-o /dev/null` must never replace the device).
 * - A folder ({@link folderOutput}) is written as a temporary folder beside it and renamed into place as a
 *   whole.
 *
 * Every temporary file and folder is registered until it is renamed or removed, so that the CLI can remove
 * them when the process is interrupted ({@link removeTemporariesSync}). Nothing here prints or exits.
 */
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  accessSync,
  constants,
  type WriteStream,
} from 'node:fs';
import { chmod, rename, unlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { dirname, basename, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { OutputError } from '../errors.js';

export interface Sink {
  write(text: string): Promise<void>;
  /** Finishes the output (renames the temporary file into place). */
  close(): Promise<void>;
  /** Abandons the output (removes the temporary file). */
  abort(): Promise<void>;
}

const BATCH = 1 << 16;

// ---------------------------------------------------------------------------------------------------------
// Temporaries, for the CLI's signal handlers.

type Temporary = { kind: 'file' } | { kind: 'folder' } | { kind: 'swap'; old: string; target: string };
const temporaries = new Map<string, Temporary>();

/** The temporary files and folders of outputs in progress (absolute paths). */
export function temporaryPaths(): string[] {
  return [...temporaries.keys()];
}

/**
 * Removes every temporary file and folder of the outputs in progress, synchronously (for a signal handler
 * or an exit hook); a folder caught between moving the previous folder away and the new one in gets the
 * previous one back. Returns the paths removed. Never throws.
 */
export function removeTemporariesSync(): string[] {
  const removed: string[] = [];
  for (const [path, t] of [...temporaries]) {
    try {
      if (t.kind === 'swap') {
        // `path` is the previous folder moved aside; put it back unless the new one is already in place.
        let targetExists = true;
        try {
          lstatSync(t.target);
        } catch {
          targetExists = false;
        }
        if (!targetExists) renameSync(path, t.target);
        else rmSync(path, { recursive: true, force: true });
      } else if (t.kind === 'folder') rmSync(path, { recursive: true, force: true });
      else rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // best effort: the process is ending
    }
    temporaries.delete(path);
  }
  return removed;
}

const temporaryName = (path: string, what: string): string =>
  join(dirname(path), `.${basename(path)}.crm-${process.pid}-${randomBytes(4).toString('hex')}.${what}`);

// ---------------------------------------------------------------------------------------------------------
// Errors.

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENXIO: 'no reader or device at this path',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EEXIST: 'already exists',
  EBUSY: 'busy',
  EXDEV: 'on another file system',
  ENOENT: 'no such file or folder',
};

/** The reason of a file-system error in words (with the code). */
export function fsErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && REASONS[e.code]) return `${REASONS[e.code]} (${e.code})`;
  return e?.code ?? e?.message ?? String(err);
}

function outputError(path: string, err: unknown, what = 'write'): OutputError {
  if (err instanceof OutputError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') {
    const folder = dirname(path);
    let folderExists = true;
    try {
      statSync(folder);
    } catch {
      folderExists = false;
    }
    if (!folderExists) return new OutputError(`cannot ${what} ${path}: folder ${folder} does not exist`, { cause: err });
  }
  return new OutputError(`cannot ${what} ${path}: ${fsErrorReason(err)}`, { cause: err });
}

// ---------------------------------------------------------------------------------------------------------
// Where an output goes.

/** How an output path is written: atomically at `path` (symbolic links resolved), or directly. */
export type OutputTarget =
  | { kind: 'atomic'; path: string; exists: boolean; mode?: number }
  | { kind: 'direct'; path: string; append?: boolean; fd?: number }
  | { kind: 'folder'; path: string; exists: boolean };

/** Whether a path is in /proc (e.g. /proc/self/fd/1, where /dev/stdout leads). */
const isProcessFile = (p: string): boolean => p === '/proc' || p.startsWith('/proc/');

/** Follows symbolic links to the final path (which need not exist); stops at a path in /proc. @throws OutputError */
function followLinks(path: string, shown: string): string {
  let p = resolve(path);
  for (let i = 0; i < 40; i++) {
    if (isProcessFile(p)) return p;
    let st;
    try {
      st = lstatSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return p;
      throw outputError(shown, err);
    }
    if (!st.isSymbolicLink()) return p;
    // The link's folder with its own links resolved (/dev/fd/1 is in /proc/<pid>/fd).
    let folder = dirname(p);
    try {
      folder = realpathSync(folder);
    } catch {
      // left as is
    }
    p = resolve(folder, readlinkSync(p));
  }
  throw new OutputError(`cannot write ${shown}: ${REASONS.ELOOP}`);
}

/**
 * Where and how `path` will be written (see the module's comment). Does not write.
 * @throws OutputError when `path` is a folder or a part of it is not a folder
 */
export function outputTarget(path: string): OutputTarget {
  const final = followLinks(path, path);
  // /dev/stdout, /dev/fd/N and the like: links to an open file of a process (a pipe, a terminal, a file
  // opened for appending). Written through the link, never resolved and replaced.
  // Opened for appending: the shell already truncated (`>`) or not (`>>`); truncating again would lose what
  // `>>` keeps.
  if (isProcessFile(final)) {
    // One of our own descriptors (/dev/stdout is /proc/self/fd/1): written to that descriptor, since a
    // socket (what Node gives a child for its stdout) cannot be opened again through /proc.
    const own = /^\/proc\/(self|\d+)\/fd\/(\d+)$/.exec(final);
    if (own && (own[1] === 'self' || Number(own[1]) === process.pid)) return { kind: 'direct', path, fd: Number(own[2]) };
    return { kind: 'direct', path, append: true };
  }
  let st;
  try {
    st = statSync(final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'atomic', path: final, exists: false };
    throw outputError(path, err);
  }
  if (st.isFile()) return { kind: 'atomic', path: final, exists: true, mode: st.mode & 0o7777 };
  if (st.isDirectory()) throw new OutputError(`cannot write ${path}: it is a folder`, { hint: 'give a file name' });
  return { kind: 'direct', path: final };
}

/**
 * Checks before a run that the file `path` can be written: its folder exists and is writable, and it is not
 * a folder. Does not write.
 * @throws OutputError naming the path and the reason
 */
export function checkOutputFile(path: string): void {
  const target = outputTarget(path);
  if (target.kind !== 'atomic') return;
  const folder = dirname(target.path);
  let st;
  try {
    st = statSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new OutputError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
    throw outputError(path, err);
  }
  if (!st.isDirectory()) throw new OutputError(`cannot write ${path}: ${dirname(path)} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (err) {
    throw new OutputError(`cannot write ${path}: folder ${dirname(path)} is not writable: ${fsErrorReason(err)}`);
  }
}

/**
 * Checks before a run that the folder `path` can be written: it is a folder or does not exist yet, and the
 * nearest existing folder above it is writable.
 * @throws OutputError naming the path and the reason
 */
export function checkOutputFolder(path: string): void {
  const final = followLinks(path, path);
  let p = final;
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && dirname(p) !== p) {
        p = dirname(p);
        continue;
      }
      throw outputError(path, err);
    }
    if (!st.isDirectory()) throw new OutputError(p === final ? `cannot write ${path}: it is not a folder` : `cannot write ${path}: ${p} is not a folder`);
    // An existing folder gets the files (or is replaced: then its parent must be writable too, else the
    // files are moved into it); a new one is made in the nearest existing folder above it.
    try {
      accessSync(p, constants.W_OK);
    } catch (err) {
      throw new OutputError(`cannot write ${path}: folder ${p} is not writable: ${fsErrorReason(err)}`);
    }
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sinks.

async function writeTo(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        stream.off('drain', onDrain);
        reject(err);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}

/** A batching sink over a stream that is not ours to close (stdout). */
export function streamSink(stream: Writable): Sink {
  let buffer = '';
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= BATCH) {
        const out = buffer;
        buffer = '';
        await writeTo(stream, out);
      }
    },
    async close() {
      if (buffer) await writeTo(stream, buffer);
      buffer = '';
    },
    async abort() {
      buffer = '';
    },
  };
}

/**
 * A sink writing `path`: atomically for a regular or new file (at a symbolic link's target), directly for
 * a device or FIFO. Creating it never throws; a path that cannot be written fails the first write or close.
 * The temporary file of an atomic output is created at once (and registered, see
 * {@link removeTemporariesSync}).
 * @throws OutputError (from write and close) when the file cannot be written
 */
export function fileSink(path: string): Sink {
  return openFileSink(path, path);
}

/** {@link fileSink} writing `path`, named `shown` in errors. */
function openFileSink(path: string, shown: string): Sink {
  let target: OutputTarget | undefined;
  let failure: unknown;
  let stream: WriteStream | undefined;
  let temp: string | undefined;
  let buffer = '';
  let done = false;
  try {
    target = outputTarget(path);
  } catch (err) {
    failure = err;
  }
  const watch = (s: WriteStream): WriteStream => {
    s.on('error', (err) => {
      failure ??= err;
    });
    return s;
  };
  if (target?.kind === 'atomic') {
    temp = temporaryName(target.path, 'tmp');
    temporaries.set(temp, { kind: 'file' });
    try {
      const fd = openSync(temp, 'wx', 0o666);
      stream = watch(createWriteStream('', { fd }));
    } catch (err) {
      temporaries.delete(temp);
      failure = err;
    }
  }
  const open = (): WriteStream => {
    if (failure) throw outputError(shown, failure);
    // A device or FIFO: opened when first written (opening a FIFO waits for its reader).
    if (target?.kind === 'direct' && target.fd !== undefined) stream ??= watch(createWriteStream('', { fd: target.fd, autoClose: false }));
    stream ??= watch(createWriteStream(target!.path, { flags: target?.kind === 'direct' && target.append ? 'a' : 'w' }));
    return stream;
  };
  const flush = async (): Promise<void> => {
    const out = buffer;
    buffer = '';
    try {
      await writeTo(open(), out);
    } catch (err) {
      throw outputError(shown, err);
    }
    if (failure) throw outputError(shown, failure);
  };
  const removeTemp = async (): Promise<void> => {
    if (stream && !stream.closed) {
      stream.destroy();
      await finished(stream).catch(() => undefined);
    }
    if (temp) {
      await unlink(temp).catch(() => undefined);
      temporaries.delete(temp);
    }
  };
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= BATCH) await flush();
    },
    async close() {
      if (done) return;
      done = true;
      try {
        await flush();
        const s = open();
        s.end();
        await finished(s);
        if (failure) throw failure;
        if (target?.kind === 'atomic') {
          if (target.mode !== undefined) await chmod(temp!, target.mode);
          await rename(temp!, target.path);
          temporaries.delete(temp!);
        }
      } catch (err) {
        await removeTemp();
        throw outputError(shown, err);
      }
    },
    async abort() {
      if (done) return;
      done = true;
      buffer = '';
      await removeTemp();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Folders.

/** A folder of files written as a whole. */
export interface FolderOutput {
  /** A sink for the file `name` inside the folder. */
  file(name: string): Sink;
  /** Puts the folder in place (close the files first). @throws OutputError */
  close(): Promise<void>;
  /** Abandons the new folder; the previous one is untouched. */
  abort(): Promise<void>;
}

const isInside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** The working folder, links resolved. */
function workingFolder(): string {
  try {
    return realpathSync(process.cwd());
  } catch {
    return process.cwd();
  }
}

/**
 * Whether the existing folder `final` can be replaced as a whole: it holds only regular files (besides
 * `except`), it is not the working folder or above it, and its parent folder is writable.
 */
function replaceable(final: string, except?: string): boolean {
  const entries = readdirSync(final).filter((name) => name !== except);
  return entries.every((name) => lstatSync(join(final, name)).isFile()) && !isInside(workingFolder(), realpathSync(final)) && writable(dirname(final));
}

/**
 * Writes the folder `dir` as a whole: the files go to a temporary folder, which is put in place when all
 * were written (a failed or interrupted run leaves the previous folder as it was).
 *
 * - A new folder: the temporary folder, made beside it, is renamed to it (missing parents are created).
 * - A previous folder that holds only regular files is replaced: its files that this run does not write are
 *   kept (hard-linked, else copied, into the new folder), then the old folder is moved aside, the new one
 *   moved in, and the old one removed.
 * - A previous folder that holds anything else (subfolders, links), that is the working folder or above it,
 *   or whose parent is not writable, is not replaced: the temporary folder is made inside it and the new
 *   files are moved into it one by one, after all were written (and after checking that none would replace
 *   something that is not a regular file).
 *
 * A symbolic link to a folder is followed.
 * @throws OutputError (from the sinks and close) when the folder cannot be written
 */
export function folderOutput(dir: string): FolderOutput {
  let failure: unknown;
  let final = '';
  let temp: string | undefined;
  const sinks: Sink[] = [];
  try {
    final = followLinks(dir, dir);
    let exists = true;
    try {
      if (!statSync(final).isDirectory()) throw new OutputError(`cannot write ${dir}: it is not a folder`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      exists = false;
    }
    if (!exists) mkdirSync(dirname(final), { recursive: true });
    temp = !exists || replaceable(final) ? temporaryName(final, 'tmp') : join(final, `.crm-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    temporaries.set(temp, { kind: 'folder' });
    mkdirSync(temp);
  } catch (err) {
    if (temp) temporaries.delete(temp);
    temp = undefined;
    failure = err;
  }
  const fail = (err: unknown): OutputError => outputError(dir, err);
  const removeTemp = (): void => {
    if (!temp) return;
    rmSync(temp, { recursive: true, force: true });
    temporaries.delete(temp);
  };
  const failedSink = (): Sink => ({
    write: () => Promise.reject(fail(failure)),
    close: () => Promise.reject(fail(failure)),
    abort: () => Promise.resolve(),
  });
  const commit = (): void => {
    const written = new Set(readdirSync(temp!));
    const inside = dirname(temp!) === final;
    let exists = true;
    try {
      statSync(final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      exists = false;
    }
    if (!exists && !inside) {
      renameSync(temp!, final);
      temporaries.delete(temp!);
      return;
    }
    if (!inside && replaceable(final)) {
      for (const name of readdirSync(final)) {
        if (written.has(name)) continue;
        try {
          linkSync(join(final, name), join(temp!, name));
        } catch {
          copyFileSync(join(final, name), join(temp!, name));
        }
      }
      chmodSync(temp!, statSync(final).mode & 0o7777);
      const old = temporaryName(final, 'old');
      // From here until the new folder is in, an interrupted run puts the old folder back.
      temporaries.set(old, { kind: 'swap', old, target: final });
      renameSync(final, old);
      try {
        renameSync(temp!, final);
      } catch (err) {
        renameSync(old, final);
        temporaries.delete(old);
        throw err;
      }
      temporaries.delete(temp!);
      temporaries.set(old, { kind: 'folder' });
      rmSync(old, { recursive: true, force: true });
      temporaries.delete(old);
      return;
    }
    // Into a folder that is not ours alone: file by file, after all were written.
    for (const name of written) {
      let st;
      try {
        st = lstatSync(join(final, name));
      } catch {
        continue;
      }
      if (!st.isFile()) throw new OutputError(`cannot write ${join(dir, name)}: it exists and is not a regular file`);
    }
    for (const name of written) renameSync(join(temp!, name), join(final, name));
    removeTemp();
  };
  return {
    file(name) {
      if (failure || !temp) return failedSink();
      const sink = openFileSink(join(temp, name), join(dir, name));
      sinks.push(sink);
      return sink;
    },
    async close() {
      if (failure) throw fail(failure);
      try {
        for (const s of sinks) await s.close();
        commit();
      } catch (err) {
        for (const s of sinks) await s.abort();
        removeTemp();
        throw fail(err);
      }
    },
    async abort() {
      for (const s of sinks) await s.abort();
      removeTemp();
    },
  };
}
