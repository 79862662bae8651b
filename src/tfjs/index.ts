// weightscope/tfjs: tracking tfjs models during training. Takes the model as an argument and imports no tfjs
// (only its shapes, duck-typed), so the main package never needs @tensorflow/tfjs.
export { trackFit, type FitTracker, type FitTrackerOptions } from './callback.js';
export {
  snapshotModel,
  type TfSnapshot,
  type TfGradients,
  type TfModelLike,
  type TfLayerLike,
  type TfVariableLike,
  type TfTensorLike,
} from './snapshot.js';
export { KERAS_GATES } from '../model/keras-views.js';
