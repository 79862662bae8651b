// What the layers above linalg (esd, metrics, model, analyze) use besides the public API: the options
// context and its entry points, snapshots and adoption, cancellation helpers, and the native tensor
// reader. Not exported from the package.
export { resolveContext, withSignal, type LinalgContext, type ContextOptions } from './context.js';
export { svdvalsIn, svdvalsInSync, svdIn, svdInSync, type SvdvalsResult } from './svd.js';
export { eigvalshIn, gramIn, gramEigvalshIn } from './eig.js';
export { svdvalsBatchIn } from './batch.js';
export { snapshot, snapshotInSlices, adopt, disown, isAdopted, release, yieldToLoop } from './adopt.js';
export { abortError, throwIfAborted, checkSignal } from './abort.js';
export { readTensor, decodeTensor, decodeTensorSync, type TensorSpec, type DecodedTensor, type StoredDtype, type TensorLayout } from './tensor.js';
export { readGgml, decodeGgml, type GgmlResult } from './ggml.js';
export { contentDigest } from './digest.js';
export { cpuSlots } from './backends.js';
