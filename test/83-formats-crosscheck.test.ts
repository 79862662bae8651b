// Cross-check against the official writers and loaders, on files made fresh for this run (not the committed
// fixtures): torch.save (zip, legacy, nested, strided, tied) read back by torch.load(weights_only=True);
// numpy.savez / savez_compressed read back by numpy.load; TFLiteConverter int8 read back by TensorFlow's
// Interpreter. Every yielded value must equal the library's (in weightscope's (out, in) / oihw arrangement).
// Each part skips, saying why, when no Python with that library is found (WEIGHTSCOPE_PYTHON, /tmp/stvenv,
// python3 are tried).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { openModel } from '../src/model/index.js';
import { run } from './helpers/child.js';

const CANDIDATES = [process.env.WEIGHTSCOPE_PYTHON, '/tmp/stvenv/bin/python', 'python3'].filter((p): p is string => !!p);
function pythonWith(module: string): string | null {
  for (const py of CANDIDATES) {
    const r = spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}
const TMP = fs.mkdtempSync(join(os.tmpdir(), 'ws-xcheck-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** Runs a Python script (argv[1] = the output folder) that prints {file: {tensor: [values]}} as JSON. */
async function python(py: string, script: string): Promise<Record<string, Record<string, number[]>>> {
  const r = await run(py, ['-c', script, TMP], { timeoutMs: 300_000 });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function compare(want: Record<string, Record<string, number[]>>): Promise<void> {
  for (const [file, tensors] of Object.entries(want)) {
    const m = await openModel(join(TMP, file));
    for (const [name, values] of Object.entries(tensors)) {
      const t = await m.read(m.tensors.some((x) => x.name === name) ? name : m.tensors.find((x) => x.aliases?.includes(name))!.name);
      expect(Array.from(t.data), `${file}:${name}`).toEqual(values);
    }
  }
}

const torchPy = pythonWith('torch');
const TORCH = `
import json, os, sys, torch
out = sys.argv[1]
torch.manual_seed(int.from_bytes(os.urandom(2), 'little'))
lin, conv, emb = torch.nn.Linear(17, 9), torch.nn.Conv2d(5, 7, 3), torch.nn.Embedding(30, 9)
sd = {'lin.weight': lin.weight.data, 'conv.weight': conv.weight.data, 'emb.weight': emb.weight.data,
      'head.weight': emb.weight.data, 'view.weight': torch.randn(13, 21)[:, 3:17:2], 'half.weight': torch.randn(6, 10).half()}
torch.save(sd, os.path.join(out, 'x_zip.pt'))
torch.save(sd, os.path.join(out, 'x_legacy.pt'), _use_new_zipfile_serialization=False)
torch.save({'state_dict': sd, 'epoch': 1}, os.path.join(out, 'x_nested.pt'))
res = {}
for f in ('x_zip.pt', 'x_legacy.pt', 'x_nested.pt'):
    d = torch.load(os.path.join(out, f), weights_only=True)
    d = d.get('state_dict', d)
    res[f] = {k: [float(x) for x in v.float().contiguous().ravel()] for k, v in d.items()}
print(json.dumps(res))
`;
describe('torch.save files made now, read back by torch.load(weights_only=True)', () => {
  it.skipIf(!torchPy)(`every value equals torch's${torchPy ? '' : ' (skipped: no Python with torch; set WEIGHTSCOPE_PYTHON)'}`, async () => {
    await compare(await python(torchPy!, TORCH));
  }, 300_000);
});

const numpyPy = pythonWith('numpy');
const NUMPY = `
import json, os, sys, numpy as np
out = sys.argv[1]
r = np.random.default_rng(int.from_bytes(os.urandom(2), 'little'))
a = {'Dense_0/kernel': r.standard_normal((11, 7)).astype(np.float32), 'plain': r.standard_normal((5, 9)),
     'big': r.standard_normal((6, 4)).astype('>f4'), 'fort': np.asfortranarray(r.standard_normal((8, 3)).astype(np.float32)),
     'half': r.standard_normal((4, 12)).astype(np.float16)}
np.savez(os.path.join(out, 'x.npz'), **a)
np.savez_compressed(os.path.join(out, 'xc.npz'), **a)
res = {}
for f in ('x.npz', 'xc.npz'):
    with np.load(os.path.join(out, f)) as z:
        res[f] = {k: [float(x) for x in (z[k].T if k.endswith('kernel') else z[k]).astype(np.float64).ravel()] for k in z.files}
print(json.dumps(res))
`;
describe('NumPy archives made now, read back by numpy.load', () => {
  it.skipIf(!numpyPy)(`every value equals numpy's${numpyPy ? '' : ' (skipped: no Python with numpy; set WEIGHTSCOPE_PYTHON)'}`, async () => {
    await compare(await python(numpyPy!, NUMPY));
  }, 300_000);
});

const tfPy = pythonWith('tensorflow');
const TFLITE = `
import json, os, sys
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np, tensorflow as tf
out = sys.argv[1]
i = tf.keras.Input((6, 6, 2))
x = tf.keras.layers.Conv2D(5, 3)(i)
x = tf.keras.layers.Flatten()(x)
m = tf.keras.Model(i, tf.keras.layers.Dense(9)(x))
c = tf.lite.TFLiteConverter.from_keras_model(m)
c.optimizations = [tf.lite.Optimize.DEFAULT]
c.representative_dataset = lambda: ([np.random.rand(1, 6, 6, 2).astype(np.float32)] for _ in range(4))
open(os.path.join(out, 'x.tflite'), 'wb').write(c.convert())
it = tf.lite.Interpreter(model_path=os.path.join(out, 'x.tflite'), experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
it.allocate_tensors()
det = {d['index']: d for d in it.get_tensor_details()}
res = {}
for op in it._get_ops_details():
    if op['op_name'] not in ('CONV_2D', 'FULLY_CONNECTED'):
        continue
    d = det[op['inputs'][1]]
    q = d['quantization_parameters']
    v = it.get_tensor(d['index']).astype(np.float64)
    shape = [1] * v.ndim
    if len(q['scales']) > 1:
        shape[q['quantized_dimension']] = len(q['scales'])
    v = ((v - q['zero_points'].reshape(shape)) * q['scales'].reshape(shape).astype(np.float64)).astype(np.float32)
    if v.ndim == 4:
        v = v.transpose(0, 3, 1, 2)
    res.setdefault('x.tflite', {})[d['name']] = [float(x) for x in v.ravel()]
print(json.dumps(res))
`;
describe('TFLite int8 models made now, read back by the TensorFlow Lite Interpreter', () => {
  it.skipIf(!tfPy)(`every dequantized value equals the Interpreter's${tfPy ? '' : ' (skipped: no Python with tensorflow; set WEIGHTSCOPE_PYTHON)'}`, async () => {
    await compare(await python(tfPy!, TFLITE));
  }, 300_000);
});
