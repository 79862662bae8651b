// What every reader is planned with: the read options and the model's file tree (which files it may open).
import type { ModelTree } from './paths.js';
import type { ReadOptions } from './types.js';

export interface PlanContext {
  opts: ReadOptions;
  tree: ModelTree;
}
