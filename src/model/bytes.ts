// Random-access byte sources: a file read with positioned reads through one file descriptor (never readFile on
// the whole file), or bytes already in memory. Every read is checked against the real size first, so no
// length taken from an untrusted header is ever allocated before it is known to fit in the file.
import * as fs from 'node:fs';
import { WeightscopeError } from '../errors.js';

export function formatError(file: string, message: string): WeightscopeError {
  return new WeightscopeError(`${file}: ${message}`, 'E_FORMAT');
}

export interface ByteSource {
  /** Name used in error messages and TensorSource.file. */
  readonly name: string;
  readonly size: number;
  /** Reads [offset, offset+length) synchronously (small structural reads: headers, protobuf fields). */
  readSync(offset: number, length: number, what: string): Uint8Array;
  /** Reads [offset, offset+length) into `into` (or a fresh buffer), asynchronously. */
  read(offset: number, length: number, what: string, into?: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

function checkRange(src: { name: string; size: number }, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw formatError(src.name, `${what}: invalid byte range (offset ${offset}, length ${length})`);
  }
  if (offset + length > src.size) {
    throw formatError(
      src.name,
      `${what}: needs bytes [${offset}, ${offset + length}) but the file has ${src.size} bytes (truncated?)`,
    );
  }
}

/** What a non-regular file is, for messages. */
export function fileType(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly name = '<memory>',
  ) {
    this.size = bytes.byteLength;
  }
  readSync(offset: number, length: number, what: string): Uint8Array {
    checkRange(this, offset, length, what);
    return this.bytes.subarray(offset, offset + length);
  }
  async read(offset: number, length: number, what: string, into?: Uint8Array): Promise<Uint8Array> {
    const view = this.readSync(offset, length, what);
    if (into === undefined) return view;
    into.set(view);
    return into;
  }
  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number;

  private constructor(
    readonly name: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /**
   * Opens a regular file for reading. Never blocks: the type is checked before open() (a FIFO would block
   * there until a writer appears), the open is non-blocking in case the path is swapped for a FIFO in
   * between, and fstat checks the type again on the descriptor actually opened.
   */
  static open(file: string): FileSource {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      throw formatError(file, `cannot open: ${(e as Error).message}`);
    }
    if (!st.isFile()) throw formatError(file, `${fileType(st)}, not a regular file: refused`);
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      throw formatError(file, `cannot open: ${(e as Error).message}`);
    }
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) {
      fs.closeSync(fd);
      throw formatError(file, `${fileType(fst)}, not a regular file: refused`);
    }
    return new FileSource(file, fd, fst.size);
  }

  readSync(offset: number, length: number, what: string): Uint8Array {
    checkRange(this, offset, length, what);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw formatError(this.name, `${what}: unexpected end of file at byte ${offset + done}`);
      done += n;
    }
    return out;
  }

  read(offset: number, length: number, what: string, into?: Uint8Array): Promise<Uint8Array> {
    checkRange(this, offset, length, what);
    const out = into ?? new Uint8Array(length);
    return new Promise((resolve, reject) => {
      let done = 0;
      const step = (): void => {
        if (done >= length) return resolve(out);
        fs.read(this.fd, out, done, Math.min(length - done, 1 << 30), offset + done, (err, n) => {
          if (err) return reject(formatError(this.name, `${what}: read failed: ${err.message}`));
          if (n === 0) return reject(formatError(this.name, `${what}: unexpected end of file at byte ${offset + done}`));
          done += n;
          step();
        });
      };
      step();
    });
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Opens `file`, runs `fn`, always closes. */
export async function withFile<T>(file: string, fn: (src: FileSource) => Promise<T>): Promise<T> {
  const src = FileSource.open(file);
  try {
    return await fn(src);
  } finally {
    src.close();
  }
}

/** Largest JSON file read (model.json, manifests, indexes, config.json): bigger ones are refused unread. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Reads a JSON file through FileSource (so a FIFO or device is refused, never blocked on) and parses it. */
export function readJsonFile(file: string, what: string): unknown {
  const src = FileSource.open(file);
  let text: string;
  try {
    if (src.size > MAX_JSON_BYTES) throw formatError(file, `${what} is ${src.size} bytes, more than ${MAX_JSON_BYTES}: refused`);
    text = new TextDecoder('utf-8').decode(src.readSync(0, src.size, what));
  } finally {
    src.close();
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw formatError(file, `${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Opens a byte source on demand (a file per read, or the same in-memory bytes). */
export type Opener = () => ByteSource;

export function fileOpener(file: string): Opener {
  return () => FileSource.open(file);
}

export function memoryOpener(bytes: Uint8Array, name = '<memory>'): Opener {
  const src = new MemorySource(bytes, name);
  return () => src;
}
