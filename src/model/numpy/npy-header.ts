// The .npy header (NumPy's format.py, versions 1.0-3.0): '\x93NUMPY', major, minor, the header length (u16 LE
// for 1.x, u32 LE for 2.x/3.x), then a Python dict literal {'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), } padded with spaces to a multiple of 64 bytes. Parsed by hand (never evaluated), with the
// three keys checked and nothing else accepted.
import { formatError } from '../bytes.js';
import type { FloatDtype } from '../decode.js';

export interface NpyHeader {
  /** The dtype string as stored ('<f4', '>f8', '|u1', '<i8', 'O' ...). */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data from the start of the .npy. */
  dataOffset: number;
  /** Float dtypes this reads ('<f2' '<f4' '<f8' and their big-endian forms); undefined otherwise. */
  float?: FloatDtype;
  bigEndian: boolean;
  /** Bytes per element (0 when the descr has no fixed size). */
  itemSize: number;
}

export const NPY_MAGIC = '\x93NUMPY';
/** Largest header accepted (NumPy writes a few hundred bytes; it refuses to read more than 10 000 by default). */
const MAX_HEADER = 1 << 16;

const FLOATS: Record<string, FloatDtype> = { f2: 'float16', f4: 'float32', f8: 'float64' };

/** The fixed prefix: how many header bytes to read after it, and where the dict starts. */
export function npyPrelude(b: Uint8Array, name: string): { dictStart: number; dictLength: number } {
  if (b.length < 10 || ![...NPY_MAGIC].every((c, i) => b[i] === c.charCodeAt(0))) throw formatError(name, 'not a .npy array (no \\x93NUMPY magic)');
  const major = b[6];
  if (major === 1) return { dictStart: 10, dictLength: b[8] | (b[9] << 8) };
  if (major === 2 || major === 3) {
    if (b.length < 12) throw formatError(name, '.npy header truncated');
    const n = (b[8] | (b[9] << 8) | (b[10] << 16)) + b[11] * 2 ** 24;
    if (n > MAX_HEADER) throw formatError(name, `.npy header of ${n} bytes is more than ${MAX_HEADER}: refused`);
    return { dictStart: 12, dictLength: n };
  }
  throw formatError(name, `.npy format version ${major}.${b[7]} is not supported`);
}

/** Parses the header dict (`b` starts at the .npy's first byte and holds at least the whole header). */
export function parseNpyHeader(b: Uint8Array, name: string): NpyHeader {
  const { dictStart, dictLength } = npyPrelude(b, name);
  if (b.length < dictStart + dictLength) throw formatError(name, `.npy header needs ${dictStart + dictLength} bytes, ${b.length} available`);
  const text = new TextDecoder('latin1').decode(b.subarray(dictStart, dictStart + dictLength));
  const bad = (what: string): never => {
    throw formatError(name, `.npy header ${what}: ${JSON.stringify(text.slice(0, 200))}`);
  };
  const m = /^\s*\{\s*(.*?)\s*,?\s*\}\s*$/s.exec(text);
  if (!m) bad('is not a dict');
  const descr = /'descr'\s*:\s*'([^']{1,32})'/.exec(m![1])?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(m![1])?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]{0,2000})\)/.exec(m![1])?.[1];
  if (descr === undefined) bad("has no 'descr' string (a structured dtype?)");
  if (fortran === undefined) bad("has no 'fortran_order'");
  if (shapeText === undefined) bad("has no 'shape' tuple");
  const dims = shapeText!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = dims.map((d) => (/^\d{1,15}$/.test(d) ? Number(d) : bad(`shape entry ${JSON.stringify(d)}`)));
  const order = descr![0];
  const code = /^[<>|=]/.test(descr!) ? descr!.slice(1) : descr!;
  const bigEndian = order === '>';
  const size = /^[a-zA-Z](\d{1,2})$/.exec(code);
  return {
    descr: descr!,
    fortranOrder: fortran === 'True',
    shape,
    dataOffset: dictStart + dictLength,
    float: FLOATS[code],
    bigEndian,
    itemSize: size ? Number(size[1]) : 0,
  };
}
