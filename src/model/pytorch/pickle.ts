// A restricted pickle machine, in the spirit of torch.load(weights_only=True): it builds plain values (numbers,
// strings, tuples, lists, dicts) and hands every global and every call to a policy (torch-globals.ts) that
// allows only what a state_dict needs. Nothing named in the file is ever imported or executed: GLOBAL of
// anything else is an E_FORMAT naming it.
//
// Bounded by construction: it is a loop over the bytes (no recursion, so nesting depth costs no stack), each
// opcode consumes at least one byte, every length is checked against the bytes left before anything is
// allocated, and the memo is a Map (a memo index of 2^32 costs one entry). A pickle that ends early throws
// PickleTruncated, so a caller reading a file's prefix can read more and retry.
import { formatError } from '../bytes.js';

export class Tuple {
  constructor(readonly items: PyValue[]) {}
}
export class Dict {
  readonly map = new Map<PyValue, PyValue>();
}
/** A global the policy allowed, as a value (a class or function to call with REDUCE). */
export class Global {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
/** Whatever the policy returns for a call or a persistent id (storages, tensors). */
export abstract class Opaque {
  abstract describe(): string;
}
export type PyValue = null | boolean | number | bigint | string | Uint8Array | Tuple | PyValue[] | Dict | Global | Opaque;

export interface PicklePolicy {
  /** The value of GLOBAL module.name; throws (E_FORMAT naming it) for anything not allowed. */
  global(module: string, name: string): Global;
  /** REDUCE / NEWOBJ: calls an allowed global. */
  call(fn: Global, args: PyValue[]): PyValue;
  /** BINPERSID: the persistent id (a storage reference). */
  persistent(pid: PyValue): PyValue;
  /** BUILD on a value the policy made: returns the new value (state applied), or throws. */
  build(obj: PyValue, state: PyValue): PyValue;
}

export class PickleTruncated extends Error {}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** The largest Python int accepted (LONG1/LONG4): sizes, strides, offsets, and the legacy 10-byte magic. */
const MAX_LONG_BYTES = 16;

export interface Unpickled {
  value: PyValue;
  /** Offset just past the STOP opcode. */
  end: number;
}

/** Runs the pickle at `start` of `b` to its STOP. `file` names the source in errors. */
export function unpickle(b: Uint8Array, start: number, policy: PicklePolicy, file: string): Unpickled {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let p = start;
  const bad = (msg: string): never => {
    throw formatError(file, `pickle at byte ${p}: ${msg}`);
  };
  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0) bad(`invalid length ${n}`);
    if (p + n > b.length) throw new PickleTruncated(`pickle runs past byte ${b.length}`);
    const at = p;
    p += n;
    return at;
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) bad('stack underflow');
    const v = stack.pop()!;
    return v as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) bad('stack underflow');
    const v = stack[stack.length - 1];
    if (v === MARK) bad('mark on top of the stack');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) bad('no mark');
    const items = stack.splice(m!) as PyValue[];
    return items;
  };
  const str = (n: number): string => new TextDecoder('utf-8').decode(b.subarray(need(n), p));
  const line = (): string => {
    const nl = b.indexOf(0x0a, p);
    if (nl < 0) throw new PickleTruncated('pickle runs past the end');
    if (nl - p > 1024) bad('text argument longer than 1024 bytes');
    return str(nl - p + 1).slice(0, -1);
  };
  const u32 = (): number => d.getUint32(need(4), true);
  const u64 = (): number => {
    const v = d.getBigUint64(need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad(`length ${v} out of range`);
    return Number(v);
  };
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) bad(`integer of ${n} bytes refused (at most ${MAX_LONG_BYTES})`);
    const at = need(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]);
    if (n > 0 && b[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const get = (i: number): void => {
    if (!memo.has(i)) bad(`memo ${i} was never set`);
    stack.push(memo.get(i)!);
  };
  const put = (i: number): void => void memo.set(i, top());
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof Dict)) bad('SETITEM(S) on a value that is not a dict');
    if (items.length % 2 !== 0) bad('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (dict as Dict).map.set(items[i], items[i + 1]);
  };
  const append = (list: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(list)) bad('APPEND(S) on a value that is not a list');
    for (const it of items) (list as PyValue[]).push(it);
  };
  const call = (fn: PyValue, args: PyValue): PyValue => {
    if (!(fn instanceof Global)) bad('REDUCE on a value that is not an allowed global');
    if (!(args instanceof Tuple)) bad('REDUCE arguments are not a tuple');
    return policy.call(fn as Global, (args as Tuple).items);
  };

  for (;;) {
    const op = b[need(1)];
    switch (op) {
      case 0x80: // PROTO
        if (b[need(1)] > 5) bad(`pickle protocol ${b[p - 1]} is not supported`);
        break;
      case 0x95: // FRAME (a length hint)
        need(8);
        break;
      case 0x2e: // STOP
        return { value: pop(), end: p };
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        marks[marks.length - 1] = stack.length;
        break;
      case 0x30: // POP
        if (stack.length > 0 && stack[stack.length - 1] === MARK) {
          stack.pop();
          marks.pop();
        } else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        stack.pop();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(d.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(b[need(1)]); break; // BININT1
      case 0x4d: stack.push(d.getUint16(need(2), true)); break; // BININT2
      case 0x8a: stack.push(long(b[need(1)])); break; // LONG1
      case 0x8b: stack.push(long(u32())); break; // LONG4
      case 0x49: { // INT (text; 'I01\n' / 'I00\n' are booleans)
        const s = line();
        const v = s === '01' ? true : s === '00' ? false : Number(s);
        if (typeof v === 'number' && !Number.isSafeInteger(v)) bad(`INT ${JSON.stringify(s)}`);
        stack.push(v);
        break;
      }
      case 0x47: stack.push(d.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(b[need(1)])); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(u64())); break; // BINUNICODE8
      case 0x54: stack.push(str(u32())); break; // BINSTRING (latin-1 in Python 2; names are ASCII)
      case 0x55: stack.push(str(b[need(1)])); break; // SHORT_BINSTRING
      case 0x42: { const n = u32(); stack.push(b.slice(need(n), p)); break; } // BINBYTES
      case 0x43: { const n = b[need(1)]; stack.push(b.slice(need(n), p)); break; } // SHORT_BINBYTES
      case 0x8e: { const n = u64(); stack.push(b.slice(need(n), p)); break; } // BINBYTES8
      case 0x7d: stack.push(new Dict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new Tuple([])); break; // EMPTY_TUPLE
      case 0x64: { const dict = new Dict(); setItems(dict, popMark()); stack.pop(); stack.push(dict); break; } // DICT
      case 0x6c: { const items = popMark(); stack.pop(); stack.push(items); break; } // LIST
      case 0x74: { const items = popMark(); stack.pop(); stack.push(new Tuple(items)); break; } // TUPLE
      case 0x85: stack.push(new Tuple([pop()])); break; // TUPLE1
      case 0x86: { const y = pop(); const x = pop(); stack.push(new Tuple([x, y])); break; } // TUPLE2
      case 0x87: { const z = pop(); const y = pop(); const x = pop(); stack.push(new Tuple([x, y, z])); break; } // TUPLE3
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); stack.pop(); setItems(top(), items); break; } // SETITEMS
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); stack.pop(); append(top(), items); break; } // APPENDS
      case 0x68: get(b[need(1)]); break; // BINGET
      case 0x6a: get(u32()); break; // LONG_BINGET
      case 0x71: put(b[need(1)]); break; // BINPUT
      case 0x72: put(u32()); break; // LONG_BINPUT
      case 0x94: put(memo.size); break; // MEMOIZE
      case 0x67: get(Number(line())); break; // GET
      case 0x70: put(Number(line())); break; // PUT
      case 0x63: { const module = line(); const name = line(); stack.push(policy.global(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') bad('STACK_GLOBAL of non-strings');
        stack.push(policy.global(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); const fn = pop(); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x51: stack.push(policy.persistent(pop())); break; // BINPERSID
      case 0x62: { const state = pop(); const obj = pop(); stack.push(policy.build(obj, state)); break; } // BUILD
      default:
        bad(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed in a weights pickle`);
    }
  }
}
