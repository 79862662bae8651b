// Extra heavy-tail fixtures made by test/fixtures/heavytail/make_heavytail.py (numpy/scipy).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor4 } from '../../src/esd/index.js';

const dir = fileURLToPath(new URL('../fixtures/heavytail/', import.meta.url));

export const HT = JSON.parse(readFileSync(dir + 'heavytail.json', 'utf8'));

/** The 48x16x3x3 conv kernel in torch layout (out, in, kh, kw). */
export function convOihw(): Tensor4<Float64Array> {
  const data = new Float64Array(readFileSync(dir + HT.conv.file).buffer.slice(0));
  const [o, i, h, w] = HT.conv.shape;
  return { data, shape: [o, i, h, w] };
}

/** The same kernel in tfjs/Keras layout (kh, kw, in, out). */
export function toHwio(t: Tensor4<Float64Array>): Tensor4<Float64Array> {
  const [o, i, h, w] = t.shape;
  const out = new Float64Array(t.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let c = 0; c < h; c++)
        for (let d = 0; d < w; d++) out[((c * w + d) * i + b) * o + a] = t.data[((a * i + b) * h + c) * w + d];
  return { data: out, shape: [h, w, i, o] };
}
