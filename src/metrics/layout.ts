// Weight layout conventions shared by balancedness and layer alignment.
import { fail } from '../errors.js';
import { transpose, type Dense } from './dense.js';

/** 'out-in': W is [out, in] and y = W x (PyTorch, ONNX Gemm); 'in-out': kernel [in, out], y = x K (Keras, tfjs). */
export type Layout = 'out-in' | 'in-out';

export function checkLayout(opts: { layout?: unknown }, fn: string): Layout {
  const l = opts.layout ?? 'out-in';
  if (l !== 'out-in' && l !== 'in-out') fail('E_OPTION', `${fn}: layout must be 'out-in' or 'in-out', got ${JSON.stringify(l)}`);
  return l;
}

/** Converts to the out-in convention ([out, in]). */
export function outIn(d: Dense, layout: Layout): Dense {
  return layout === 'out-in' ? d : transpose(d);
}

