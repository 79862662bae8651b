// The weightscope side of `npm run bench:model`: one whole-model `analyze(file)` with the default options
// (power-law fit, norms, MP fit, rank metrics), in its own process. Config: { model, threads, maxN, options }
// (maxN null = WeightWatcher's default 50000, 'Infinity' = no limit; options: more analyze() options). The timer starts after the import
// (module and addon load are reported apart as import_s); VmHWM (peak RSS) is read at the end.
import { readFileSync } from 'node:fs';
import { driverMain } from '../lib/driver_io.mjs';

const tImport = performance.now();
const ws = await import('../../dist/index.js');
const importS = (performance.now() - tImport) / 1000;

function vmHwmKb() {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const opts = cfg.maxN === null || cfg.maxN === undefined ? {} : { maxN: cfg.maxN === 'Infinity' ? Infinity : cfg.maxN };
  Object.assign(opts, cfg.options ?? {});
  // Per-layer time = time between progress calls: read + decode + every metric when layers run one at a
  // time; with layers side by side (the default: one per slot) it is the time per layer of the throughput.
  const layerS = new Map();
  const t0 = performance.now();
  let last = t0;
  const report = await ws.analyze(cfg.model, {
    ...opts,
    onProgress: ({ name }) => {
      const now = performance.now();
      layerS.set(name, (now - last) / 1000);
      last = now;
    },
  });
  const analysisS = (performance.now() - t0) / 1000;
  // Time spent on tensors that the size limits then skipped (they are planned, so analyze() visits them).
  const analysed = new Set(report.layers.map((l) => l.name));
  let skippedS = 0;
  for (const [name, s] of layerS) if (!analysed.has(name)) skippedS += s;
  return {
    side: 'weightscope',
    node: process.version,
    threads: ws.getThreads(),
    backend: ws.backends().cpu,
    options: { ...opts, maxN: opts.maxN === Infinity ? 'Infinity' : opts.maxN },
    import_s: importS,
    analysis_s: analysisS,
    vm_hwm_kb: vmHwmKb(),
    skipped_layers_s: skippedS,
    layers: report.layers.map((l) => ({
      name: l.name,
      shape: l.shape,
      N: l.N,
      M: l.M,
      status: l.status,
      dtype: l.dtype,
      route: l.route,
      alpha: l.alpha,
      D: l.D,
      xmin: l.xmin,
      num_pl_spikes: l.numPlSpikes,
      spectral_norm: l.spectralNorm,
      stable_rank: l.stableRank,
      num_spikes: l.numSpikes,
      sigma_mp: l.sigmaMp,
      mp_softrank: l.mpSoftrank,
      effective_rank: l.effectiveRank,
      matrix_rank: l.matrixRank,
      rank_loss: l.rankLoss,
      weak_rank_loss: l.weakRankLoss,
      numerical_rank: l.numericalRank,
      energy_rank_90: l.energyRank90,
      num_evals: l.numEvals,
      seconds: layerS.get(l.name),
    })),
    skipped: report.skipped,
  };
});
