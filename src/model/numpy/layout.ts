// How a NumPy array is laid out as a weight. JAX/Flax (and the ViT / big_vision .npz checkpoints) store Dense
// kernels (in, out) under a name ending in 'kernel', conv kernels (kh, kw, in, out), embeddings (vocab,
// features) under 'embedding', and attention projections as 3-D kernels: query/key/value (in, heads,
// head_dim) and out (heads, head_dim, out). Those are yielded as (out, in) dense matrices: 3-D kernels are
// first viewed as (in, heads·head_dim) / (heads·head_dim, out) (free: the data is row-major). Arrays with other
// names (numpy.savez of anything) are kept as stored, and the row says the layout is unknown.
import { classifyByName, type Classified } from '../classify.js';

export interface NumpyLayout {
  cls: Classified;
  /** The shape the data is viewed as before any transpose (a 3-D attention kernel becomes 2-D). */
  viewShape: number[];
  transpose: boolean;
  orientation?: string;
  transform?: string;
}

const ATTN_IN = /(^|\/)(query|key|value)$/;
const ATTN_OUT = /(^|\/)out$/;

export function numpyLayout(name: string, shape: readonly number[]): NumpyLayout {
  const segs = name.split('/');
  const leaf = segs[segs.length - 1];
  const parent = segs.slice(0, -1).join('/');
  if (leaf === 'kernel' && shape.length === 3 && (ATTN_IN.test(parent) || ATTN_OUT.test(parent))) {
    const view = ATTN_IN.test(parent) ? [shape[0], shape[1] * shape[2]] : [shape[0] * shape[1], shape[2]];
    return {
      cls: { kind: 'dense' },
      viewShape: view,
      transpose: true,
      orientation: `(in, out) as Flax stores a Dense kernel: transposed to (out, in)`,
      transform: `attention kernel [${shape.join(', ')}] viewed as [${view.join(', ')}], then transposed (in, out) -> (out, in)`,
    };
  }
  if (leaf === 'kernel' && shape.length === 2) {
    return {
      cls: classifyByName(name, shape, 'hwio'),
      viewShape: [...shape],
      transpose: true,
      orientation: "(in, out) as Flax/Keras store a Dense 'kernel': transposed to (out, in)",
      transform: 'transposed (in, out) -> (out, in)',
    };
  }
  if ((leaf === 'bias' || leaf === 'scale') && shape.length >= 2) {
    // Flax attention biases are (heads, head_dim): still a bias
    return { cls: { kind: 'other', skip: `${leaf} (Flax stores attention ${leaf}es per head, [${shape.join(', ')}]): no matrix` }, viewShape: [...shape], transpose: false };
  }
  if (/embedding$/.test(leaf) && shape.length === 3 && shape[0] === 1) {
    // ViT position embeddings (1, tokens, hidden): one (tokens × hidden) table
    return { cls: { kind: 'embedding' }, viewShape: [shape[1], shape[2]], transpose: false, transform: `[${shape.join(', ')}] viewed as [${shape[1]}, ${shape[2]}]` };
  }
  if (leaf === 'kernel' && shape.length === 4) return { cls: classifyByName(name, shape, 'hwio'), viewShape: [...shape], transpose: false };
  const cls = leaf === 'embedding' && shape.length === 2 ? { kind: 'embedding' as const } : classifyByName(name, shape, 'oihw');
  return {
    cls,
    viewShape: [...shape],
    transpose: false,
    ...(shape.length === 2 && cls.kind !== 'embedding' ? { orientation: 'as stored: NumPy arrays carry no layout (assumed (out, in))' } : {}),
  };
}
