// The ESM entry (`import ... from 'weightscope'`): the CommonJS build's exports, re-exported. One
// implementation serves require() and import, so a process that loads both gets one addon, one error class.
export * from './index.js';
