// Command-line options of `npm run bench` and the plan (sizes, repeats) they select.
import os from 'node:os';

export const HELP = `usage: npm run bench -- [options]

  --quick            small sizes only (smoke run, < 1 minute)
  --sizes LIST       svdvals sizes, e.g. 512,1024,4096x1024 (rows x cols; N means N x N)
  --no-python        skip numpy/scipy (also skipped, with the reason, when python3 or numpy is missing)
  --threads N        BLAS threads for every competitor (default: all cores = ${os.availableParallelism()})
  --python PATH      python interpreter (default: python3)
  --only LIST        measure only these parts (svdvals, accuracy, eventloop, threading, batch, responsiveness)
                     and keep the other parts of bench/results.json as they are
  --report           measure nothing: re-print the tables and regenerate README.md from bench/results.json
  --help
`;

export const PARTS = ['svdvals', 'accuracy', 'eventloop', 'threading', 'batch', 'responsiveness'];

export function parseSizes(text) {
  return text.split(',').map((part) => {
    const m = /^\s*(\d+)(?:\s*x\s*(\d+))?\s*$/i.exec(part);
    if (!m) throw new Error(`--sizes: cannot read '${part}' (expected N or RxC)`);
    const rows = Number(m[1]);
    const cols = Number(m[2] ?? m[1]);
    if (rows < 1 || cols < 1) throw new Error(`--sizes: '${part}' has a zero dimension`);
    return [rows, cols];
  });
}

export function parseArgs(argv) {
  const o = { quick: false, sizes: null, python: true, pythonPath: 'python3', threads: os.availableParallelism(), help: false, report: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--no-python') o.python = false;
    else if (a === '--report') o.report = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--sizes') o.sizes = parseSizes(value());
    else if (a === '--python') o.pythonPath = value();
    else if (a === '--only') {
      o.only = value().split(',').map((x) => x.trim());
      const bad = o.only.filter((x) => !PARTS.includes(x));
      if (bad.length) throw new Error(`--only: unknown part(s) ${bad.join(', ')} (known: ${PARTS.join(', ')})`);
    }
    else if (a === '--threads') {
      o.threads = Number(value());
      if (!Number.isSafeInteger(o.threads) || o.threads < 1) throw new Error('--threads expects a positive integer');
    } else throw new Error(`unknown option ${a}\n\n${HELP}`);
  }
  return o;
}

/** What one run measures. The full plan fits in ~15 minutes on 2 cores. */
export function makePlan(o) {
  const q = o.quick;
  return {
    sizes: o.sizes ?? (q ? [[128, 128], [256, 256], [512, 128]] : [[512, 512], [1024, 1024], [2048, 2048], [4096, 4096], [4096, 1024]]),
    dtypes: ['f64', 'f32'],
    // Pure-JS peers are O(n^3) in scalar JS: only up to this size.
    pureJsMax: q ? 256 : 1024,
    policy: q ? { targetMs: 300, minReps: 3, maxReps: 7 } : { targetMs: 3000, minReps: 3, maxReps: 21 },
    pureJsPolicy: q ? { targetMs: 300, minReps: 3, maxReps: 5 } : { targetMs: 2000, minReps: 3, maxReps: 7 },
    accuracyN: q ? 256 : 4096,
    illcond: { smin: 1e-8, smax: 1 },
    eventLoopSizes: q ? [256, 512] : [2048, 4096],
    // 128^2 and 256^2 (exactly 256^3 flops) run side by side; the large-job rule is strictly above 256^3.
    threadingSizes: q ? [{ n: 128, reps: 5 }, { n: 512, reps: 3 }] : [{ n: 128, reps: 9 }, { n: 256, reps: 9 }, { n: 2048, reps: 3 }],
    batch: { count: 100, n: 100, policy: q ? { targetMs: 300, minReps: 3, maxReps: 7 } : { targetMs: 2000, minReps: 5, maxReps: 21 } },
    // One large (1536², above the large-job threshold) and eight small (256²) async jobs in flight.
    responsiveness: { nLarge: q ? 768 : 1536, nSmall: 256, trials: q ? 4 : 12, snapshotN: q ? 1024 : 2048, snapshotReps: q ? 3 : 7 },
    seed: 12345,
  };
}
