// Heavy-tail (HTSR) metrics of weight matrices: formulas.md §1-§7.
export { analyzeMatrix, analyzeMatrixIn, analyzeMatrixSync, type AnalyzeOptions } from './analyze.js';
export { layerReportToJSON, snakeCase, type LayerReport } from './report.js';
export { summarize, SUMMARY_METRICS, type Summary, type SummaryMetric } from './summary.js';
export { normMetrics, matrixRank, detX, type NormMetrics } from './norms.js';
export {
  correlationTraps,
  correlationTrapsSync,
  jensenShannonDistance,
  mpKsTest,
  type CorrelationTraps,
  type MpKsTest,
  type TrapsOptions,
} from './traps.js';
export { farmsFit, farmsFitSync, type FarmsFit, type FarmsFitOptions } from './farms.js';
export { tempBalance, type TempBalanceLayer, type TempBalanceOptions, type LayerLr } from './tempbalance.js';
export { modelBalancing, type BalancingLayer, type ModelBalancingOptions, type BlockLr } from './modelbalancing.js';
export { alphaPruning, type PruningLayer, type AlphaPruningOptions, type AlphaPruningResult } from './alphapruning.js';
export { xoshiro128, shuffled, type Prng } from './prng.js';
