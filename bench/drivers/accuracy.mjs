// How far the Gram route (syrk + syevd) strays from gesdd, on a Gaussian matrix and on an
// ill-conditioned one with known singular values (made by numpy_driver.py illcond).
import { readFileSync } from 'node:fs';
import * as ws from '../../dist/index.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { driverMain } from '../lib/driver_io.mjs';

function readF64(path) {
  const buf = readFileSync(path);
  // Copy into a fresh ArrayBuffer: a Float64Array view needs 8-byte alignment.
  const out = new Float64Array(buf.byteLength / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Errors of `got` against `ref` (both descending): absolute over sigma_max, and relative per value. */
function compare(got, ref) {
  const n = ref.length;
  const smax = ref[0];
  let maxAbs = 0;
  const rel = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (d > maxAbs) maxAbs = d;
    rel[i] = ref[i] > 0 ? d / ref[i] : d === 0 ? 0 : Infinity;
  }
  const tail = Math.max(1, Math.floor(n / 10));
  let maxRelSmallest10 = 0;
  for (let i = n - tail; i < n; i++) maxRelSmallest10 = Math.max(maxRelSmallest10, rel[i]);
  const sortedRel = [...rel].sort((a, b) => a - b);
  return {
    max_abs_over_sigma_max: maxAbs / smax,
    rel_err_sigma_min: rel[n - 1],
    max_rel_err_smallest_10pct: maxRelSmallest10,
    median_rel_err: sortedRel[Math.floor(n / 2)],
    rel: Array.from(rel),
  };
}

/** Relative error at the values nearest to each decade of the prescribed spectrum. */
function byDecade(sigma, relGesdd, relGram) {
  const rows = [];
  const lo = Math.floor(Math.log10(sigma[sigma.length - 1]));
  const hi = Math.ceil(Math.log10(sigma[0]));
  for (let e = hi; e >= lo; e--) {
    let best = 0;
    for (let i = 1; i < sigma.length; i++)
      if (Math.abs(Math.log10(sigma[i]) - e) < Math.abs(Math.log10(sigma[best]) - e)) best = i;
    rows.push({ sigma: sigma[best], index: best, gesdd_rel_err: relGesdd[best], gram_rel_err: relGram[best] });
  }
  return rows;
}

function strip({ rel, ...rest }) {
  return rest;
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const out = { n: cfg.n, dtype: 'f64' };
  const g = gaussianMatrix(cfg.n, cfg.n, 'f64', cfg.seed);
  const gesdd = await ws.svdvals(g);
  const gram = await ws.svdvals(g, { method: 'gram' });
  out.gaussian = { sigma_max: gesdd[0], sigma_min: gesdd[cfg.n - 1], gram_vs_gesdd: strip(compare(gram, gesdd)) };
  if (cfg.illcond) {
    const a = { data: readF64(cfg.illcond.matrix), shape: [cfg.n, cfg.n] };
    const sigma = readF64(cfg.illcond.sigma);
    const sGesdd = await ws.svdvals(a);
    const sGram = await ws.svdvals(a, { method: 'gram' });
    const eGesdd = compare(sGesdd, sigma);
    const eGram = compare(sGram, sigma);
    out.illcond = {
      smin: cfg.illcond.smin,
      smax: cfg.illcond.smax,
      gesdd_vs_exact: strip(eGesdd),
      gram_vs_exact: strip(eGram),
      gram_vs_gesdd: strip(compare(sGram, sGesdd)),
      by_decade: byDecade(sigma, eGesdd.rel, eGram.rel),
    };
  }
  return out;
});
