/**
 * Reading and writing the user's files safely (Node only; core's README, "Files and limits").
 *
 * Reads: only regular files, opened non-blocking (a FIFO cannot hang the open) and checked with fstat
 * on the open descriptor, and never more than a limit known before the first byte is read.
 *
 * Writes: each payload goes to a temporary file created exclusively (O_EXCL|O_NOFOLLOW, so a planted
 * file or symlink is never written through) under an unpredictable name beside its target, and is
 * renamed over the target only if the target is absent or a regular file. A batch of outputs is
 * staged completely before the first rename, so a failure leaves none of them. Temporaries left by a
 * killed run are removed by the next write into the same folder.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmdirSync, statSync,
  unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvError } from './errors.js';
import { DEFAULT_LIMITS } from './io/limits.js';

/** Thrown when a file cannot be read or written (missing, unreadable, a directory, too large). */
export class FileError extends InvError {
  constructor(message: string) {
    super('ERR_FILE', message);
  }
}

// Not every platform has every flag (Windows lacks O_NOFOLLOW and O_NONBLOCK); 0 leaves them out.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** What a file system entry is, for messages. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'is a symbolic link';
  if (code === 'ENOTDIR') return 'a parent is not a directory';
  return (e as Error).message.split('\n')[0];
}

/** Reads every byte from `fd`; more than `maxBytes` throws `tooLarge()` (the file grew, or never ends). */
function readBounded(fd: number, maxBytes: number, tooLarge: () => FileError, sizeHint = 0): Uint8Array {
  let buf = new Uint8Array(Math.min(maxBytes, sizeHint) + 1);
  let used = 0;
  for (;;) {
    if (used === buf.length) {
      if (used > maxBytes) throw tooLarge();
      const bigger = new Uint8Array(Math.min(maxBytes + 1, Math.max(2 * buf.length, 64 * 1024)));
      bigger.set(buf);
      buf = bigger;
    }
    let n: number;
    try {
      n = readSync(fd, buf, used, buf.length - used, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      // A pipe with nothing in it yet: wait briefly rather than spin the CPU.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (n === 0) break;
    used += n;
  }
  if (used > maxBytes) throw tooLarge();
  return buf.subarray(0, used);
}

export interface ReadOptions {
  /** The most bytes accepted (checked against the size before reading, and while reading). */
  maxBytes: number;
  /** Refuse a symbolic link at `path` itself. */
  noFollow?: boolean;
  /** How the limit is changed, for the message (e.g. 'INV_MAX_ARRAY_BYTES'). */
  limitName?: string;
}

/**
 * Reads a regular file of at most `maxBytes` bytes (default: the array-file limit); `-` reads standard
 * input, bounded the same way.
 */
export function readBytes(path: string, options: ReadOptions = { maxBytes: DEFAULT_LIMITS.arrayBytes }): Uint8Array {
  const label = path === '-' ? 'standard input' : path;
  const tooLarge = (size?: number) => () =>
    new FileError(`${label}: ${size !== undefined ? `${size} bytes, ` : ''}larger than the limit of ${options.maxBytes} bytes${options.limitName ? ` (${options.limitName})` : ''}`);
  let fd = 0;
  try {
    if (path !== '-') fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (e) {
    throw new FileError(`${label}: cannot read (${why(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (path !== '-' && !st.isFile()) throw new FileError(`${label}: cannot read (${st.isDirectory() ? 'is a directory' : `${fileKind(st)}, expected a regular file`})`);
    if (st.isFile() && st.size > options.maxBytes) throw tooLarge(st.size)();
    return readBounded(fd, options.maxBytes, tooLarge(), st.isFile() ? st.size : 0);
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`${label}: cannot read (${why(e)})`);
  } finally {
    if (path !== '-') closeSync(fd);
  }
}

/** The identity of a file (device and inode), to tell whether an output would replace an input. */
export function fileId(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

// Our temporaries: .<target name>.inv-<pid>-<random hex>.tmp
const TEMP = /^\..*\.inv-(\d+)-[0-9a-f]{16}\.tmp$/s;

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.inv-${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporaries of our own pattern in `dir` whose process is gone (a run killed mid-write).
 * Only regular files owned by this user are touched; a running process's temporaries are left alone.
 */
export function removeStaleTemporaries(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      unlinkSync(path);
      removed.push(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Throws unless `path` is absent or a regular file (the only thing a rename may replace). */
function checkTarget(path: string, inputs: ReadonlySet<string>): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new FileError(`${path}: cannot write (${why(e)})`);
  }
  if (!st.isFile()) throw new FileError(`${path}: cannot write over ${fileKind(st)}; only a regular file is replaced`);
  // A rename ignores the file's own mode (and root passes every access check): read the owner's write bit.
  if ((st.mode & 0o200) === 0) throw new FileError(`${path}: cannot write over a read-only file (mode ${(st.mode & 0o777).toString(8)}); make it writable or remove it first`);
  if (inputs.has(`${st.dev}:${st.ino}`)) throw new FileError(`${path}: is one of this command's input files; choose another output path`);
}

/**
 * Creates the missing folders above `path` one level at a time (a recursive mkdir can spin on
 * procfs). Returns the folders created, innermost last.
 */
function makeParents(path: string): string[] {
  const missing: string[] = [];
  let dir = dirname(resolve(path));
  for (;;) {
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) throw new FileError(`${path}: cannot write (${dir} is not a directory)`);
      break;
    } catch (e) {
      if (e instanceof FileError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw new FileError(`${path}: cannot write (${dir}: ${why(e)})`);
      missing.unshift(dir);
      dir = dirname(dir);
    }
  }
  const made: string[] = [];
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      removeFolders(made);
      throw new FileError(`${path}: cannot create the folder ${d} (${why(e)})`);
    }
    made.push(d);
  }
  return made;
}

function removeFolders(made: readonly string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty or gone: leave it
    }
  }
}

/** Writes `data` to a new temporary file beside `path` and returns its name. */
function stage(path: string, data: Uint8Array | string): string {
  const tmp = tempName(path);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o666);
  } catch (e) {
    throw new FileError(`${path}: cannot write (${why(e)})`);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw new FileError(`${path}: cannot write (${why(e)})`);
  }
  closeSync(fd);
  return tmp;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

export interface WriteOptions {
  /** Files this command read (their paths): an output that is one of them is refused. */
  inputs?: readonly string[];
}

/**
 * Writes several files so that either all of them are written or none: every target is checked,
 * every payload staged in a temporary file, and only then is each renamed over its target.
 */
export function writeFilesAtomic(files: readonly { path: string; data: Uint8Array | string }[], options: WriteOptions = {}): void {
  const inputs = new Set((options.inputs ?? []).map(fileId).filter((id): id is string => id !== undefined));
  const seen = new Set<string>();
  for (const f of files) {
    if (f.path === '') throw new FileError('an output path is empty');
    const full = resolve(f.path);
    if (seen.has(full)) throw new FileError(`${f.path}: named twice as an output`);
    seen.add(full);
    checkTarget(f.path, inputs);
  }
  const made: string[] = [];
  const staged: string[] = [];
  try {
    for (const f of files) {
      made.push(...makeParents(f.path));
      removeStaleTemporaries(dirname(resolve(f.path)));
      staged.push(stage(f.path, f.data));
    }
    files.forEach((f, i) => {
      checkTarget(f.path, inputs); // again, just before the rename
      try {
        renameSync(staged[i], f.path);
      } catch (e) {
        throw new FileError(`${f.path}: cannot write (${why(e)})`);
      }
      staged[i] = '';
    });
  } catch (e) {
    for (const tmp of staged) if (tmp) unlinkQuietly(tmp);
    if (staged.every((t) => t !== '')) removeFolders(made);
    throw e;
  }
}

/** Writes one file atomically (see writeFilesAtomic). */
export function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  writeFilesAtomic([{ path, data }], options);
}
