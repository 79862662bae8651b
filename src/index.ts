// weightscope: fast SVD/eigenvalue core and spectral diagnostics for neural-network weights.
export * from './linalg/index.js';
export { WeightscopeError, type ErrorCode, type ErrorDetails } from './errors.js';
