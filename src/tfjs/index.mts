// The ESM entry of weightscope/tfjs: the CommonJS build re-exported (one instance of the package's state).
export * from './index.js';
