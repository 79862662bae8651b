// Empirical spectral densities of weights (formulas.md §1) and FARMS submatrix ESDs (§6).
export { esd, esdSync, WW_EVALS_THRESH, type EsdOptions, type EsdResult, type EsdPreset } from './esd.js';
export { farmsEsd, farmsEsdSync, farmsWindows, type FarmsEsd, type FarmsOptions, type FarmsPreset } from './farms.js';
export { DEFAULT_LIMITS, type LimitOptions } from './limits.js';
export { toSlices, type Conv2dLayout, type LayerType, type Tensor4, type WeightInput, type WeightOptions } from './weights.js';
