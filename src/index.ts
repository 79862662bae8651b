// weightscope: fast SVD/eigenvalue core and spectral diagnostics for neural-network weights.
export * from './linalg/index.js';
export * from './metrics/index.js';
export * as report from './report/index.js';
export { WeightscopeError, type ErrorCode, type ErrorDetails } from './errors.js';
