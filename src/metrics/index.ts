// Metrics layer: rank (formulas.md §8), alignment (§9), neural collapse and richness (§10).
export * from './rank.js';
export type { Svdvals, SvdvalsInfo } from './spectrum.js';
export * from './alignment.js';
export * from './balance.js';
export type { Layout } from './layout.js';
export * from './subspace.js';
export * from './merge.js';
export * from './collapse.js';
export * from './richness.js';
export type { Labels } from './labels.js';
// Heavy-tail (HTSR) metrics (§1-§7).
export * from './heavytail/index.js';
