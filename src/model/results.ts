// What analyze() returns: a row per analysed layer and the model report (its own file so that the options
// (analyze-options.ts) can name LayerResult without importing analyze.ts).
import type { LayerReport, summarize } from '../metrics/heavytail/index.js';
import type { FitQualityColumns } from './fit-quality.js';
import type { SkippedTensor, TensorSource, WeightKind } from './types.js';

export interface LayerResult extends LayerReport, Partial<FitQualityColumns> {
  kind: WeightKind;
  /** Position in model order (JSON `layer_id`); `layers` are sorted by it. */
  layerId: number;
  /** Other names of this weight, not analysed again: the same stored tensor, or identical data stored twice. */
  aliases?: string[];
  /** 2-D weights: the stored layout assumed, and what was done to get (out, in). */
  orientation?: string;
  /** Where the weight was read from (file, offset, stored name and dtype, ...), for file sources. */
  source?: TensorSource;
  /** Rank metrics (formulas.md §8) of the layer's matrix (pooled slices for conv2d), when 'rank' is asked. */
  effectiveRank?: number;
  participationRatio?: number;
  numericalRank?: number;
  energyRank90?: number;
}

export interface ModelReport {
  /** The path given, '<memory>', '<arrays>' or '<LayersModel>'. */
  source: string;
  format: string;
  /** Every file read: the model file (the one chosen, for a folder) first, then shards, external data, config.json. */
  files: string[];
  /** What the reader wants you to know: which file of a folder was analysed, other model files not analysed, ... */
  notes: string[];
  layers: LayerResult[];
  summary: ReturnType<typeof summarize>;
  skipped: SkippedTensor[];
  /** Eigenvalues per layer name (ascending), when keepEsd. */
  esd?: Map<string, Float64Array>;
  seconds: number;
}

