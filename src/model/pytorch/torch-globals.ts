// What a state_dict pickle may name, like torch.load(weights_only=True)'s allowlist, reduced to weights:
// collections.OrderedDict, torch._utils._rebuild_tensor_v2/_v3, _rebuild_parameter(_with_state), the
// torch.*Storage classes, torch.UntypedStorage, the torch dtypes and _codecs.encode (protocol 2's spelling of
// bytes). Anything else is E_FORMAT naming it: never imported, never run. Calls build descriptions
// (StorageRef, TensorRef), not tensors: no data is read while unpickling.
import { formatError } from '../bytes.js';
import { Dict, Global, Opaque, Tuple, type PicklePolicy, type PyValue } from './pickle.js';

/** torch dtypes by storage class and by dtype name, with their element size; `float` is the decoded dtype. */
export interface TorchDtype {
  name: string;
  size: number;
  float?: 'float32' | 'float64' | 'float16' | 'bfloat16';
}
const D = (name: string, size: number, float?: TorchDtype['float']): TorchDtype => ({ name, size, ...(float ? { float } : {}) });
const DTYPES: Record<string, TorchDtype> = {
  float32: D('float32', 4, 'float32'), float64: D('float64', 8, 'float64'), float16: D('float16', 2, 'float16'),
  bfloat16: D('bfloat16', 2, 'bfloat16'), int64: D('int64', 8), int32: D('int32', 4), int16: D('int16', 2),
  int8: D('int8', 1), uint8: D('uint8', 1), bool: D('bool', 1), complex64: D('complex64', 8), complex128: D('complex128', 16),
  float8_e4m3fn: D('float8_e4m3fn', 1), float8_e5m2: D('float8_e5m2', 1), float8_e4m3fnuz: D('float8_e4m3fnuz', 1),
  float8_e5m2fnuz: D('float8_e5m2fnuz', 1), uint16: D('uint16', 2), uint32: D('uint32', 4), uint64: D('uint64', 8),
  qint8: D('qint8', 1), quint8: D('quint8', 1), qint32: D('qint32', 4),
};
/** Aliases torch also defines (torch.float is torch.float32, ...). */
const DTYPE_ALIASES: Record<string, string> = { float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32', short: 'int16', cfloat: 'complex64', cdouble: 'complex128' };
const STORAGES: Record<string, string> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8',
  BoolStorage: 'bool', ComplexFloatStorage: 'complex64', ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8', QUInt8Storage: 'quint8', QInt32Storage: 'qint32',
};
const UNTYPED = D('uint8', 1);

/** A storage named by a persistent id: its record key, dtype (UntypedStorage: bytes) and element count. */
export class StorageRef extends Opaque {
  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly numel: number,
    readonly untyped: boolean,
  ) {
    super();
  }
  describe(): string {
    return `storage ${this.key}`;
  }
}

/** A tensor: a view (offset, size, stride in elements) of a storage. */
export class TensorRef extends Opaque {
  constructor(
    readonly storage: StorageRef,
    readonly dtype: TorchDtype,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {
    super();
  }
  describe(): string {
    return `tensor ${this.dtype.name}[${this.size.join(', ')}]`;
  }
}

const ALLOWED_CALLS = new Set([
  'collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state', '_codecs.encode',
]);

function ints(v: PyValue, what: string, file: string): number[] {
  if (!(v instanceof Tuple) || !v.items.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw formatError(file, `pickle: ${what} is not a tuple of non-negative integers`);
  }
  return v.items as number[];
}

function int(v: PyValue, what: string, file: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw formatError(file, `pickle: ${what} is not a non-negative integer`);
  return v;
}

/** The policy for one pickle; `location` is kept for messages only (tensors are read on the CPU). */
export function torchPolicy(file: string): PicklePolicy {
  const globals = new Map<string, Global>();
  const rebuild = (args: PyValue[], dtype?: TorchDtype): TensorRef => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof StorageRef)) throw formatError(file, 'pickle: _rebuild_tensor of something that is not a storage');
    const dims = ints(size, 'tensor size', file);
    const strides = ints(stride, 'tensor stride', file);
    if (dims.length !== strides.length) throw formatError(file, `pickle: tensor size [${dims}] and stride [${strides}] differ in rank`);
    const dt = dtype ?? storage.dtype;
    return new TensorRef(storage, dt, int(offset, 'storage offset', file), dims, strides);
  };
  return {
    global(module, name) {
      const q = `${module}.${name}`;
      const known =
        ALLOWED_CALLS.has(q) ||
        (module === 'torch' && (name in STORAGES || name === 'UntypedStorage' || name in DTYPES || name in DTYPE_ALIASES));
      if (!known) {
        throw formatError(file, `pickle names the global ${q}, which a weights-only checkpoint does not need: refused (never imported or run)`);
      }
      let g = globals.get(q);
      if (!g) globals.set(q, (g = module === 'torch' && (name in DTYPES || name in DTYPE_ALIASES) ? new DtypeGlobal(module, name) : new Global(module, name)));
      return g;
    },
    call(fn, args) {
      switch (fn.qualified) {
        case 'collections.OrderedDict':
          if (args.length !== 0) throw formatError(file, 'pickle: OrderedDict called with arguments');
          return new Dict();
        case 'torch._utils._rebuild_tensor_v2':
          if (args.length < 6) throw formatError(file, `pickle: _rebuild_tensor_v2 with ${args.length} arguments`);
          return rebuild(args);
        case 'torch._utils._rebuild_tensor_v3': {
          // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
          const dt = args.length >= 7 ? dtypeOf(args[6]) : null;
          if (!dt) throw formatError(file, 'pickle: _rebuild_tensor_v3 without a dtype');
          return rebuild(args, dt);
        }
        case 'torch._utils._rebuild_parameter':
        case 'torch._utils._rebuild_parameter_with_state':
          if (!(args[0] instanceof TensorRef)) throw formatError(file, 'pickle: _rebuild_parameter of something that is not a tensor');
          return args[0];
        case '_codecs.encode': {
          const [s] = args;
          if (typeof s !== 'string') throw formatError(file, 'pickle: _codecs.encode of a non-string');
          return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff); // latin-1
        }
        default:
          throw formatError(file, `pickle calls ${fn.qualified}, which is not a function a state_dict uses: refused`);
      }
    },
    persistent(pid) {
      // ('storage', storage_type, key, location, numel[, view_metadata (legacy format)])
      const t = pid instanceof Tuple ? pid.items : null;
      if (!t || t.length < 5 || t[0] !== 'storage' || !(t[1] instanceof Global)) {
        throw formatError(file, "pickle: a persistent id that is not ('storage', type, key, location, numel)");
      }
      const type = t[1];
      const key = typeof t[2] === 'string' ? t[2] : typeof t[2] === 'number' ? String(t[2]) : null;
      if (key === null) throw formatError(file, 'pickle: storage key is not a string');
      if (t.length > 5 && t[5] !== null) throw formatError(file, `pickle: storage ${key} is a legacy storage view (view_metadata): not supported`);
      const untyped = type.name === 'UntypedStorage';
      const dtype = untyped ? UNTYPED : type.module === 'torch' && type.name in STORAGES ? DTYPES[STORAGES[type.name]] : null;
      if (!dtype) throw formatError(file, `pickle: storage type ${type.qualified} is not a storage class`);
      return new StorageRef(key, dtype, int(t[4], `storage ${key} numel`, file), untyped);
    },
    build(obj, state) {
      // OrderedDict.__reduce__ sets instance attributes (a state_dict's _metadata): kept out of the items
      if (obj instanceof Dict && (state instanceof Dict || state === null)) return obj;
      // _rebuild_parameter_with_state / tensor subclasses carry a state tuple: the data is the tensor
      if (obj instanceof TensorRef) return obj;
      throw formatError(file, 'pickle: BUILD on a value that is neither a dict nor a tensor: refused');
    },
  };
}

/** torch.float32 & co: a global whose value is the dtype itself (used by _rebuild_tensor_v3). */
class DtypeGlobal extends Global {}

/** The dtype a dtype global (torch.float16) names, or null. */
function dtypeOf(v: PyValue): TorchDtype | null {
  return v instanceof DtypeGlobal ? (DTYPES[DTYPE_ALIASES[v.name] ?? v.name] ?? null) : null;
}
