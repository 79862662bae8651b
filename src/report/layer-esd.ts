// What a layer's ESD plots are drawn from: its eigenvalues (kept with keepEsd) and its fits. A failed
// power-law fit draws no line; the MP fit is drawn when it has a bulk edge.
import { WW_EVALS_THRESH } from '../esd/esd.js';
import type { LayerResult, ModelReport } from '../model/analyze.js';
import type { EsdPlotInput } from './svg/esd.js';

/** The layer's eigenvalues, when the analysis kept them. */
export function layerEvals(l: LayerResult, r: ModelReport): Float64Array | undefined {
  return l.esd ?? r.esd?.get(l.name);
}

export function esdPlotInput(l: LayerResult, evals: Float64Array, id: string): EsdPlotInput {
  const fitted = l.status === 'success';
  return {
    evals,
    threshold: WW_EVALS_THRESH,
    alpha: fitted ? l.alpha : undefined,
    xmin: fitted ? l.xmin : undefined,
    xmax: fitted ? l.xmax : undefined,
    mp: Number.isFinite(l.bulkMax) ? { Q: l.Q, sigmaMp: l.sigmaMp, bulkMin: l.bulkMin, bulkMax: l.bulkMax } : undefined,
    randEvals: l.randEsd,
    id,
  };
}
