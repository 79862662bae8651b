// weightscope: fast SVD/eigenvalue core and spectral diagnostics for neural-network weights.
// Layers, each importing only those above it: linalg -> esd -> fit -> metrics -> model -> report/cli.
export * from './linalg/index.js';
export * from './esd/index.js';
export * from './fit/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export {
  analyze,
  type AnalyzeSource,
  type ModelAnalyzeOptions,
  type ModelReport,
  type LayerResult,
  type NamedWeight,
  type LayersModelLike,
  type Metric,
} from './model/analyze.js';
export * as report from './report/index.js';
export { WeightscopeError, type ErrorCode, type ErrorDetails } from './errors.js';
