// Builds fuzz input number `index` of a format, deterministically from (seed, format, index).
import { mutateBytes } from './mutate-bytes.mjs';
import { mutateNumpy, mutateTflite, mutateTorch } from './mutate-containers.mjs';
import { dec, enc } from './mutate-json.mjs';
import { mutateGguf } from './mutate-gguf.mjs';
import { mutateOnnx } from './mutate-onnx.mjs';
import { mutateSafetensors } from './mutate-safetensors.mjs';
import { mutateTfjs } from './mutate-tfjs.mjs';
import { inputSeed, rng } from './prng.mjs';

/** Edits a sharded checkpoint's index.json weight_map: missing names, escaping or absent shard paths. */
function mutateIndex(r, bytes) {
  let j;
  try {
    j = JSON.parse(dec(bytes));
  } catch {
    return mutateBytes(r, bytes);
  }
  const names = Object.keys(j.weight_map ?? {});
  const n = r.pick(names);
  switch (r.int(4)) {
    case 0: j.weight_map[n] = r.pick(['../x.safetensors', '/etc/passwd', '', 'nope.safetensors', 5, null, 'model.safetensors.index.json']); break;
    case 1: j.weight_map[`${n}.missing`] = j.weight_map[n]; break;
    case 2: j.weight_map = r.pick([null, [], 'x', {}]); break;
    default: delete j.weight_map[n];
  }
  return [enc(JSON.stringify(j)), ['index.json']];
}

const CONTAINERS = { pytorch: mutateTorch, numpy: mutateNumpy, tflite: mutateTflite };

/** Returns { entry, files, seed: label of the model it came from, ops: what was done }. */
export function generate(seeds, format, seed, index) {
  const r = rng(inputSeed(seed, format, index));
  const model = r.pick(seeds[format]);
  const files = { ...model.files };
  let entry = model.entry;
  let ops;
  if (format === 'tfjs') {
    let m;
    [m, ops] = mutateTfjs(r, model);
    return { entry: m.entry, files: m.files, seed: model.label, ops };
  }
  // safetensors (one file or a sharded index) and ONNX: mutate one file of the model
  const target = r.pick(Object.keys(files));
  if (target.endsWith('.index.json')) [files[target], ops] = mutateIndex(r, files[target]);
  else if (format === 'safetensors') [files[target], ops] = mutateSafetensors(r, files[target]);
  else if (format === 'gguf') [files[target], ops] = mutateGguf(r, files[target]);
  else if (format in CONTAINERS) [files[target], ops] = CONTAINERS[format](r, files[target]);
  else [files[target], ops] = mutateOnnx(r, files[target]);
  if (target !== entry) ops = ops.map((o) => `${target}:${o}`);
  return { entry, files, seed: model.label, ops };
}
