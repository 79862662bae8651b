// Where the weights are in an unpickled checkpoint. torch.save(model.state_dict()) pickles a dict of tensors;
// training scripts save {'state_dict': ..., 'optimizer': ..., 'epoch': ...} or {'model': ...}. A dict holding
// tensors is the state_dict; otherwise the first of the usual keys whose value holds one (a few levels deep)
// is taken, and a note says which (the optimizer's moments are never analysed as weights).
import { formatError } from '../bytes.js';
import { Dict, type PyValue } from './pickle.js';
import { TensorRef } from './torch-globals.js';

const NESTED_KEYS = ['state_dict', 'model_state_dict', 'model', 'module', 'model_ema', 'ema', 'state', 'net', 'network', 'params', 'weights'];
const MAX_DEPTH = 4;

export interface StateDict {
  tensors: { name: string; tensor: TensorRef }[];
  /** The path to the state_dict inside the checkpoint ("checkpoint['model']"), when it was not the top level. */
  from?: string;
  /** Entries of the state_dict that are not tensors (counted, not read). */
  nonTensors: string[];
}

function keyName(k: PyValue): string | null {
  return typeof k === 'string' ? k : typeof k === 'number' ? String(k) : null;
}

function tensorsOf(d: Dict): StateDict['tensors'] {
  const out: StateDict['tensors'] = [];
  for (const [k, v] of d.map) {
    const name = keyName(k);
    if (name !== null && v instanceof TensorRef) out.push({ name, tensor: v });
  }
  return out;
}

/** Finds the state_dict in `root` (see the header). */
export function findStateDict(root: PyValue, file: string): StateDict {
  let d: PyValue = root;
  const path: string[] = [];
  for (let depth = 0; ; depth++) {
    if (!(d instanceof Dict)) {
      throw formatError(file, `checkpoint${path.map((p) => `['${p}']`).join('')} is not a dict of tensors (a state_dict): nothing to analyse`);
    }
    const tensors = tensorsOf(d);
    if (tensors.length > 0) {
      const nonTensors: string[] = [];
      for (const [k, v] of d.map) if (!(v instanceof TensorRef)) nonTensors.push(keyName(k) ?? '?');
      return { tensors, nonTensors, ...(path.length > 0 ? { from: `checkpoint${path.map((p) => `['${p}']`).join('')}` } : {}) };
    }
    const dict: Dict = d;
    const next = depth < MAX_DEPTH ? NESTED_KEYS.find((k) => dict.map.get(k) instanceof Dict) : undefined;
    if (next === undefined) {
      const keys = [...dict.map.keys()].slice(0, 10).map((k) => JSON.stringify(keyName(k) ?? '?')).join(', ');
      throw formatError(
        file,
        `no tensors found in checkpoint${path.map((p) => `['${p}']`).join('')} (keys: ${keys || 'none'}), nor under ${NESTED_KEYS.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    path.push(next);
    d = dict.map.get(next)!;
  }
}
