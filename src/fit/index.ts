// Fits of an ESD: power law (formulas.md §2) and Marchenko–Pastur (§4).
export {
  fitPowerLaw,
  fitPowerLawNaive,
  warningFor,
  type PowerLawFit,
  type PowerLawOptions,
  type XminRule,
  type FitWarning,
} from './powerlaw.js';
export { fitMarchenkoPastur, type MpFit, type MpOptions } from './mp.js';
export { mpCdf, mpEdges, mpPdf, tracyWidom } from './mplaw.js';
export { fitQuality, likelihoodRatio, type FitQuality, type FitQualityOptions, type LikelihoodRatio } from './quality.js';
