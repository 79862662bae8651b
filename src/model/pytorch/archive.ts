// The two containers torch.save writes, opened to (unpickled state_dict, where each storage's bytes are):
// - zip (the default since torch 1.6): <prefix>/data.pkl, <prefix>/byteorder, <prefix>/data/<key> (one stored
//   entry per storage), <prefix>/version; TorchScript archives (code/, constants.pkl) are refused with advice;
// - legacy (_use_new_zipfile_serialization=False): five pickles back to back — magic number, protocol version
//   1001, sys_info {little_endian, type_sizes}, the object, the list of storage keys — then each storage in
//   that order as an 8-byte element count followed by its elements.
import { inflateSync } from 'node:zlib';
import { fileOpener, formatError, memoryOpener, type ByteSource } from '../bytes.js';
import { readZipDirectory } from '../zip.js';
import { findStateDict, type StateDict } from './checkpoint.js';
import { Dict, PickleTruncated, unpickle, type PicklePolicy, type PyValue } from './pickle.js';
import { StorageRef, torchPolicy } from './torch-globals.js';

/** Largest pickle read (a state_dict's pickle is ~100 bytes a tensor): bigger is refused. */
export const MAX_PICKLE_BYTES = 256 * 1024 * 1024;
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

export interface StorageLocation {
  /** Absolute offset of the storage's first byte. */
  base: number;
  byteLength: number;
}

export interface OpenedCheckpoint {
  kind: 'zip' | 'legacy';
  stateDict: StateDict;
  /** Where a storage's bytes are; throws E_FORMAT when the file does not hold it. */
  storage: (ref: StorageRef) => StorageLocation;
  bigEndian: boolean;
}

export const TORCHSCRIPT_HINT =
  "is a TorchScript archive (torch.jit.save): not read; save its weights: python -c \"import torch; from safetensors.torch import save_file; save_file(torch.jit.load('IN').state_dict(), 'model.safetensors')\"";

function openZip(src: ByteSource): OpenedCheckpoint {
  const file = src.name;
  const entries = readZipDirectory(src);
  const pkl = entries.find((e) => /^([^/]+\/)?data\.pkl$/.test(e.name));
  if (!pkl) throw formatError(file, 'zip archive without data.pkl: not a torch.save checkpoint');
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (byName.has(`${prefix}constants.pkl`) || entries.some((e) => e.name.startsWith(`${prefix}code/`))) throw formatError(file, TORCHSCRIPT_HINT);
  const text = (name: string): string | null => {
    const e = byName.get(name);
    return e && e.method === 0 && e.size <= 64 ? new TextDecoder().decode(src.readSync(e.dataOffset, e.size, name)).trim() : null;
  };
  const order = text(`${prefix}byteorder`) ?? 'little';
  if (order !== 'little' && order !== 'big') throw formatError(file, `byteorder record says ${JSON.stringify(order)}, not little or big`);
  if (pkl.size > MAX_PICKLE_BYTES) throw formatError(file, `data.pkl is ${pkl.size} bytes, more than ${MAX_PICKLE_BYTES}: refused`);
  let bytes = src.readSync(pkl.dataOffset, pkl.compressedSize, 'data.pkl');
  if (pkl.method === 8) {
    try {
      bytes = inflateSync(bytes, { maxOutputLength: MAX_PICKLE_BYTES, finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch (e) {
      throw formatError(file, `data.pkl: cannot inflate (${(e as Error).message})`);
    }
  } else if (pkl.method !== 0) throw formatError(file, `data.pkl: zip compression method ${pkl.method} is not supported`);
  const value = runPickle(bytes, 0, torchPolicy(file), file, true).value;
  return {
    kind: 'zip',
    stateDict: findStateDict(value, file),
    bigEndian: order === 'big',
    storage(ref) {
      const e = byName.get(`${prefix}data/${ref.key}`);
      if (!e) throw formatError(file, `storage record data/${ref.key} is missing from the archive`);
      if (e.method !== 0) throw formatError(file, `storage record data/${ref.key} is compressed (method ${e.method}): torch.save stores them uncompressed`);
      return { base: e.dataOffset, byteLength: e.size };
    },
  };
}

/** Runs one pickle; `whole`: `b` is all there is (a truncated pickle is E_FORMAT, not a cue to read more). */
function runPickle(b: Uint8Array, at: number, policy: PicklePolicy, file: string, whole: boolean): { value: PyValue; end: number } {
  try {
    return unpickle(b, at, policy, file);
  } catch (e) {
    if (e instanceof PickleTruncated && whole) throw formatError(file, `truncated pickle: ${e.message}`);
    throw e;
  }
}

/** The legacy format's five pickles, from a prefix of the file (PickleTruncated when it is too short). */
function legacyPickles(b: Uint8Array, whole: boolean, file: string, policy: PicklePolicy): { root: PyValue; keys: PyValue; end: number; littleEndian: boolean } {
  const inert: PicklePolicy = {
    ...policy,
    persistent: () => {
      throw formatError(file, 'persistent id in a legacy header pickle');
    },
  };
  const magic = runPickle(b, 0, inert, file, whole);
  if (magic.value !== LEGACY_MAGIC) throw formatError(file, 'pickle, but not a torch.save checkpoint (wrong magic number)');
  const proto = runPickle(b, magic.end, inert, file, whole);
  if (proto.value !== LEGACY_PROTOCOL) throw formatError(file, `legacy checkpoint protocol ${String(proto.value)} is not ${LEGACY_PROTOCOL}`);
  const info = runPickle(b, proto.end, inert, file, whole);
  const le = info.value instanceof Dict ? info.value.map.get('little_endian') : undefined;
  const main = runPickle(b, info.end, policy, file, whole);
  const keys = runPickle(b, main.end, inert, file, whole);
  return { root: main.value, keys: keys.value, end: keys.end, littleEndian: le !== false };
}

function openLegacy(src: ByteSource): OpenedCheckpoint {
  const file = src.name;
  const refs = new Map<string, StorageRef>();
  const base = torchPolicy(file);
  const policy: PicklePolicy = {
    ...base,
    persistent(pid) {
      const r = base.persistent(pid) as StorageRef;
      refs.set(r.key, r);
      return r;
    },
  };
  // the pickles' length is known only by running them: read a prefix, and more while they run past it
  let parsed: ReturnType<typeof legacyPickles> | undefined;
  for (let n = Math.min(src.size, 1 << 20); !parsed; n = Math.min(src.size, n * 8)) {
    try {
      refs.clear();
      parsed = legacyPickles(src.readSync(0, n, 'legacy checkpoint pickles'), n >= src.size, file, policy);
    } catch (e) {
      if (!(e instanceof PickleTruncated)) throw e;
      if (n >= MAX_PICKLE_BYTES) throw formatError(file, `pickles longer than ${MAX_PICKLE_BYTES} bytes: refused`);
    }
  }
  const { root, keys, littleEndian } = parsed;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw formatError(file, 'the storage key list is not a list of strings');
  const locations = new Map<string, StorageLocation>();
  let pos = parsed.end;
  for (const key of keys as string[]) {
    const ref = refs.get(key);
    if (!ref) throw formatError(file, `storage ${key} is listed but no tensor uses it`);
    const h = src.readSync(pos, 8, `storage ${key} element count`);
    const count = new DataView(h.buffer, h.byteOffset, 8).getBigUint64(0, littleEndian);
    const byteLength = Number(count) * ref.dtype.size;
    if (count > BigInt(Number.MAX_SAFE_INTEGER) || !Number.isSafeInteger(byteLength) || pos + 8 + byteLength > src.size) {
      throw formatError(file, `storage ${key}: ${count} elements run past the end of the file (${src.size} bytes)`);
    }
    locations.set(key, { base: pos + 8, byteLength });
    pos += 8 + byteLength;
  }
  return {
    kind: 'legacy',
    stateDict: findStateDict(root, file),
    bigEndian: !littleEndian,
    storage(ref) {
      const loc = locations.get(ref.key);
      if (!loc) throw formatError(file, `storage ${ref.key} is not in the file's storage list`);
      return loc;
    },
  };
}

/** Opens a torch.save file (zip or legacy, told apart by their first bytes) or its bytes. */
export function openCheckpoint(source: string | Uint8Array): OpenedCheckpoint {
  const src = (typeof source === 'string' ? fileOpener(source) : memoryOpener(source))();
  try {
    const head = src.readSync(0, Math.min(4, src.size), 'first bytes');
    if (head[0] === 0x50 && head[1] === 0x4b) return openZip(src);
    if (head[0] === 0x80) return openLegacy(src);
    throw formatError(src.name, 'neither a zip archive nor a pickle: not a torch.save checkpoint');
  } finally {
    src.close();
  }
}
