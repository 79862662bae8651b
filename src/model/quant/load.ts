// Reading a quantized weight's stored tensors and dequantizing them in native code (linalg/dequantize.ts).
// The kernel's numbers are encoded here, in the order native/binding/quant_op.cc reads them.
import { dequantize } from '../../linalg/dequantize.js';
import { ELEM, type Kernel, type QuantWeight } from './kernel.js';

/** Kernel ids (native/binding/quant_op.cc: enum class Op). */
const OPS = { grid: 0, gptq: 1, awq: 2, 'ct-pack': 3, nbits: 4, bnb4: 5 } as const;

/** The kernel's params, in quant_op.cc's order. */
export function encodeKernel(k: Kernel): [number, number[]] {
  switch (k.op) {
    case 'grid':
      return [OPS.grid, [k.rows, k.cols, ELEM[k.q], ELEM[k.scale], k.zp === undefined ? -1 : ELEM[k.zp], k.scaleRows, k.scaleCols, k.blockRows, k.blockCols, k.mul, k.transpose ? 1 : 0]];
    case 'gptq':
      return [OPS.gptq, [k.rows, k.cols, k.bits, k.groups, ELEM[k.scale], k.zeroOffset, k.gIdx ? 1 : 0]];
    case 'awq':
      return [OPS.awq, [k.rows, k.cols, k.groups, ELEM[k.scale]]];
    case 'ct-pack':
      return [OPS['ct-pack'], [k.rows, k.cols, k.bits, k.groups, ELEM[k.scale], k.zp ? 1 : 0, k.gIdx ? 1 : 0, k.groupSize]];
    case 'nbits':
      return [OPS.nbits, [k.rows, k.cols, k.bits, k.blockSize, ELEM[k.scale], k.zp === undefined ? -1 : k.zp === 'packed' ? 100 : ELEM[k.zp]]];
    case 'bnb4':
      return [OPS.bnb4, [k.rows, k.cols, k.blockSize, k.nested ? 1 : 0, k.nestedBlockSize, k.nestedOffset]];
  }
}

const ONE = new Uint8Array(new Float32Array([1]).buffer);

/** Reads the weight's stored tensors and dequantizes them: float32 (out, in). */
export async function loadQuantized(w: QuantWeight): Promise<Float32Array> {
  const k = w.kernel!;
  const bufs = await Promise.all(
    w.inputs.map(async (i) => {
      const src = i.open();
      try {
        // a copy, not a view into a caller's bytes: the job reads it after this returns
        return (await src.read(i.offset, i.byteLength, `tensor '${i.name}'`)).slice();
      } finally {
        src.close();
      }
    }),
  );
  // an FP8 weight stored without a scale: scale 1
  if (k.op === 'grid' && bufs.length === 1) bufs.push(ONE);
  const [op, params] = encodeKernel(k);
  return (await dequantize(op, params, bufs)).data;
}
