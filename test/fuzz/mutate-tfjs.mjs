// tfjs mutations: weights-manifest JSON edits (shape, dtype, quantization, names, paths, groups), a
// modelTopology that gives the weights layer classes (Conv1D, LSTM, Embedding, Depthwise...), and byte
// noise on the manifest or on a .bin shard (truncated, extended, flipped).
import { mutateBytes } from './mutate-bytes.mjs';
import { badNumber, badShape, dec, deepJson, enc } from './mutate-json.mjs';

const DTYPES = ['float32', 'float16', 'int32', 'bool', 'string', 'complex64', 'uint8', 'float64', 1, null];
const QDTYPES = ['uint8', 'uint16', 'float16', 'int4', null];
const CLASSES = ['Conv1D', 'Conv2D', 'LSTM', 'GRU', 'SimpleRNN', 'Embedding', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense'];

function editWeight(r, groups) {
  const g = r.pick(groups);
  if (!g || !Array.isArray(g.weights) || g.weights.length === 0) return 'none';
  const i = r.int(g.weights.length);
  const w = g.weights[i];
  if (w === null || typeof w !== 'object') return 'none';
  switch (r.int(10)) {
    case 0: w.shape = badShape(r, w.shape); return 'shape';
    case 1: w.dtype = r.pick(DTYPES); return 'dtype';
    case 2: {
      if (w.quantization === null || typeof w.quantization !== 'object') w.quantization = { dtype: 'uint8', scale: 1, min: 0 };
      const q = w.quantization;
      if (r.chance(0.4)) q.dtype = r.pick(QDTYPES);
      if (r.chance(0.5)) q.scale = r.chance(0.5) ? badNumber(r) : r.pick([1e309, -1e309, 1e38, 0]);
      if (r.chance(0.5)) q.min = badNumber(r);
      if (r.chance(0.1)) w.quantization = r.pick([null, 1, 'x', []]);
      return 'quantization';
    }
    case 3: w.name = r.pick([1, null, '', 'x'.repeat(10000), g.weights[r.int(g.weights.length)]?.name]); return 'name';
    case 4: g.weights.splice(i, 1); return 'weight-removed';
    case 5: g.weights.splice(i, 0, JSON.parse(JSON.stringify(w))); return 'weight-duplicated';
    case 6: { // two weights swap places: byte offsets of everything between shift
      const j = r.int(g.weights.length);
      [g.weights[i], g.weights[j]] = [g.weights[j], g.weights[i]];
      return 'weights-swapped';
    }
    case 7: g.weights[i] = r.pick([null, 1, 'x', []]); return 'weight-not-object';
    case 8: delete w[r.pick(['name', 'shape', 'dtype'])]; return 'field-removed';
    default: { // reinterpret: same bytes, other dtype/shape
      const n = Array.isArray(w.shape) ? w.shape.reduce((a, b) => a * b, 1) : 1;
      w.shape = r.pick([[n], [n, 1], [1, n], [2, Math.floor(n / 2)], [1, 1, n, 1]]);
      if (r.chance(0.5)) delete w.quantization;
      return 'reinterpreted';
    }
  }
}

function editGroup(r, groups, shards) {
  const g = r.pick(groups);
  switch (r.int(6)) {
    case 0: if (g) g.paths = r.pick([[], ['missing.bin'], ['../x.bin'], ['/etc/passwd'], [''], [5], 'w.bin', [...(g.paths ?? []), ...(g.paths ?? [])]]); return 'paths';
    case 1: if (g) g.paths = [...shards].reverse(); return 'paths-reordered';
    case 2: groups.push(r.pick([{}, { paths: [], weights: [] }, null, { paths: shards, weights: g?.weights ?? [] }])); return 'group-added';
    case 3: groups.splice(r.int(groups.length), 1); return 'group-removed';
    case 4: if (g) g.weights = r.pick([null, {}, 'x']); return 'weights-not-array';
    default: if (g && Array.isArray(g.weights)) g.weights = [...g.weights, ...g.weights]; return 'weights-doubled';
  }
}

/** A model.json whose topology names the weights' layers with random classes (exercises the classifier). */
function withTopology(r, groups) {
  const layers = new Set();
  for (const g of groups) for (const w of Array.isArray(g?.weights) ? g.weights : []) if (typeof w?.name === 'string') layers.add(w.name.split('/')[0]);
  const config = { layers: [...layers].map((name) => ({ class_name: r.pick(CLASSES), config: { name } })) };
  let deep = { model_config: { config } };
  if (r.chance(0.1)) for (let i = 0; i < 1000; i++) deep = { config: { name: 'x' }, class_name: 'LSTM', layers: [deep] };
  return { format: 'layers-model', modelTopology: deep, weightsManifest: groups };
}

/** One mutated tfjs model from { entry, files }; returns [{ entry, files }, operator description]. */
export function mutateTfjs(r, model) {
  const files = { ...model.files };
  const shards = Object.keys(files).filter((f) => f !== model.entry);
  const op = r.int(10);
  if (op <= 1) { // byte noise on a shard
    const s = r.pick(shards);
    const [b, what] = mutateBytes(r, files[s], ['truncate', 'extend', 'flipBits', 'boundaryBytes', 'removeChunk', 'duplicateChunk']);
    files[s] = b;
    return [{ entry: model.entry, files }, what.map((w) => `shard:${w}`)];
  }
  if (op === 2) { // byte noise on the manifest text
    const [b, what] = mutateBytes(r, files[model.entry]);
    files[model.entry] = b;
    return [{ entry: model.entry, files }, what.map((w) => `manifest:${w}`)];
  }
  const groups = JSON.parse(dec(files[model.entry]));
  const what = [];
  for (let k = 1 + r.int(3); k > 0; k--) what.push(op === 3 ? editGroup(r, groups, shards) : editWeight(r, groups));
  let json = groups;
  let entry = model.entry;
  if (r.chance(0.3)) {
    json = withTopology(r, groups);
    entry = 'model.json';
    delete files[model.entry];
    what.push('model.json+topology');
  }
  if (r.chance(0.05)) {
    files[entry] = enc(deepJson(r));
    return [{ entry, files }, ['deep-json']];
  }
  files[entry] = enc(JSON.stringify(json));
  return [{ entry, files }, what];
}
