#!/usr/bin/env node
// weightscope command line: analyze | merge | demo | bench | backends. The commands load the native addon only
// when they run, so --help and --version work without it, and an addon that cannot load is one line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';

const version = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
const generator = `weightscope ${version}`;

function int(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  const program = new Command()
    .name('weightscope')
    .description('Spectral diagnostics of neural-network weights (heavy-tail alpha, MP fit, ranks) on OpenBLAS/LAPACK')
    .version(version)
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('analyze')
    .description('analyse every weight matrix of a model: .safetensors (or sharded index.json), tfjs model.json, .onnx, PyTorch .bin/.pt, .npz/.npy, .tflite, or a folder')
    .argument('<path>', 'model file or folder')
    .addOption(new Option('--format <format>', 'stdout format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--json', 'same as --format json').conflicts(['csv']))
    .option('--csv', 'same as --format csv')
    .option('--columns <list>', "table columns: comma-separated names, 'default' (the default set) or 'all'")
    .option('--out <dir>', 'write layers.json, layers.csv (and report.html, plots/) here')
    .option('--html', 'write a self-contained HTML report (needs --out)')
    .option('--plots', 'write an SVG ESD plot per layer (needs --out)')
    .option('--metrics <list>', 'comma-separated: mp, rank, traps, farms, fit-quality', 'mp,rank')
    .option('--fit-quality', 'also compare the power law with truncated power law, lognormal, exponential per layer (likelihood ratios)')
    .addOption(new Option('--farms <preset>', 'also fit FARMS alpha').choices(['llm', 'image', 'default']))
    .option('--layers <regex>', 'only layers whose name matches')
    .option('--types <list>', 'only layers of these types: dense, conv2d, embedding, recurrent, other')
    .option('--min-evals <n>', 'skip layers with fewer eigenvalues (default 10)', int(1))
    .option('--max-evals <n>', 'skip layers with more eigenvalues (default 15000)', int(1))
    .option('--max-n <n>', 'skip layers whose larger dimension exceeds n (default 50000)', int(1))
    .option('--xmin <rule>', "power-law xmin: 'ks' (default), 'mid', 'peak' or a number")
    .option('--seed <n>', 'seed of the shuffles for --metrics traps', int(0))
    .addOption(new Option('--method <method>', "eigenvalues by 'gram' (default: syrk + syevd, layers it cannot certify rerun by gesdd) or 'gesdd' (every layer by the SVD)").choices(['gesdd', 'gram']))
    .addOption(new Option('--precision <precision>', "compute in float32 or float64 (default: float64 with --method gram, as stored with gesdd; float32 alone selects gesdd)").choices(['float32', 'float64']))
    .addOption(new Option('--backend <backend>', 'compute backend').choices(['auto', 'cpu', 'cuda']).default('auto'))
    .option('--threads <n>', 'BLAS threads for large layers', int(1))
    .option('--concurrency <n>', 'layers analysed at once (default: one per BLAS thread, at most 4)', int(1))
    .option('--no-progress', 'no progress output on stderr')
    .option('--shard <i/n|auto>', "analyse part i of n (0-based), balanced by Σ n²m, into --out/part-<i>-of-<n>.jsonl; 'auto': from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX")
    .option('--shard-count <n>', 'with --shard auto: the number of parts (Kubernetes; default SLURM_ARRAY_TASK_COUNT or WEIGHTSCOPE_SHARD_COUNT)', int(1))
    .option('--tail-only', 'layers past --max-n/--max-evals: a tail-only alpha from the top eigenvalues (randomized), in their skipped entry')
    .option('--tail-k <n>', 'with --tail-only: eigenvalues computed per layer (default a quarter, 256..2048)', int(1))
    .option('--resume', 'continue the per-layer log under --out: layers already done are not analysed again')
    .action(async (path: string, o) => (await import('./analyze.js')).runAnalyze(path, o, generator));

  program
    .command('compare')
    .description('compare two checkpoints layer by layer (any readable formats): ‖ΔW‖/‖W‖, Δalpha, Δstable rank, CKA, subspace angles, the spectrum of ΔW')
    .argument('<a>', 'base model file or folder')
    .argument('<b>', 'the other (e.g. fine-tuned) model')
    .addOption(new Option('--format <format>', 'stdout format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--json', 'same as --format json').conflicts(['csv']))
    .option('--csv', 'same as --format csv')
    .option('--html <file>', 'also write a self-contained HTML page')
    .option('--k <n>', 'dimension of the singular subspaces compared (default 10)', int(1))
    .option('--layers <regex>', 'only layers whose name matches')
    .option('--min-evals <n>', 'no alpha for layers with fewer eigenvalues (default 10)', int(1))
    .action(async (a: string, b: string, o) => (await import('./compare.js')).runCompare(a, b, o));

  program
    .command('merge')
    .description('combine the parts of `analyze --shard i/n` into the report of a single run')
    .argument('<parts...>', 'part files (part-<i>-of-<n>.jsonl), all n of them')
    .addOption(new Option('--format <format>', 'stdout format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--json', 'same as --format json').conflicts(['csv']))
    .option('--csv', 'same as --format csv')
    .option('--columns <list>', "table columns: comma-separated names, 'default' (the default set) or 'all'")
    .option('--out <dir>', 'write layers.json, layers.csv (and report.html, plots/) here')
    .option('--html', 'write a self-contained HTML report (needs --out; parts analysed with --html or --plots)')
    .option('--plots', 'write an SVG ESD plot per layer (needs --out; parts analysed with --html or --plots)')
    .action(async (parts: string[], o) => (await import('./merge.js')).runMerge(parts, o, generator));

  program
    .command('demo')
    .description("analyse the real models that come with the repository's devDependencies and write HTML reports")
    .option('--out <dir>', 'output folder', 'weightscope-demo')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (o) => (await import('./demo.js')).runDemo(o, generator));

  program
    .command('bench')
    .description('time svdvals (gesdd and Gram route) on this machine')
    .option('--sizes <list>', 'matrix sizes', '256,512,1024')
    .action(async (o) => (await import('./bench.js')).runBench(o));

  program
    .command('backends')
    .description('show the CPU (OpenBLAS) and CUDA backends')
    .action(async () => {
      const { backends } = await import('../linalg/backends.js');
      process.stdout.write(JSON.stringify(backends(), null, 2) + '\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE; // commander already printed the message
    }
    debug ||= process.env.WEIGHTSCOPE_DEBUG === '1';
    return reportError(e, debug);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
