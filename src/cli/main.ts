#!/usr/bin/env node
// weightscope command line: analyze | demo | bench | backends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { packageRoot } from '../binding.js';
import { backends } from '../linalg/backends.js';
import { runAnalyze, runBench, runDemo } from './commands.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';

const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

function int(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
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
    .description('analyse every weight matrix of a model: .safetensors (or sharded index.json), tfjs model.json, .onnx, or a folder')
    .argument('<path>', 'model file or folder')
    .addOption(new Option('--format <format>', 'stdout format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--json', 'same as --format json').conflicts(['csv']))
    .option('--csv', 'same as --format csv')
    .option('--out <dir>', 'write layers.json, layers.csv (and report.html, plots/) here')
    .option('--html', 'write a self-contained HTML report (needs --out)')
    .option('--plots', 'write an SVG ESD plot per layer (needs --out)')
    .addOption(new Option('--farms <preset>', 'also fit FARMS alpha').choices(['llm', 'image', 'default']))
    .option('--metrics <list>', 'comma-separated: mp, rank, traps, farms', 'mp,rank')
    .option('--layers <regex>', 'only layers whose name matches')
    .addOption(new Option('--method <method>', "eigenvalues by 'gesdd' (accurate) or 'gram' (faster; fine for alpha)").choices(['gesdd', 'gram']).default('gesdd'))
    .addOption(new Option('--precision <precision>', 'compute in float32 or float64 (default: as stored)').choices(['float32', 'float64']))
    .addOption(new Option('--backend <backend>', 'compute backend').choices(['auto', 'cpu', 'cuda']).default('auto'))
    .option('--threads <n>', 'BLAS threads for large layers', int)
    .option('--concurrency <n>', 'layers analysed at once', int)
    .option('--no-progress', 'no progress output on stderr')
    .action(async (path: string, o) => runAnalyze(path, { ...o, format: o.json ? 'json' : o.csv ? 'csv' : o.format }));

  program
    .command('demo')
    .description("analyse the real models that come with the repository's devDependencies and write HTML reports")
    .option('--out <dir>', 'output folder', 'weightscope-demo')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (o) => runDemo(o));

  program
    .command('bench')
    .description('time svdvals (gesdd and Gram route) on this machine')
    .option('--sizes <list>', 'matrix sizes', '256,512,1024')
    .action(async (o) => runBench(o));

  program
    .command('backends')
    .description('show the CPU (OpenBLAS) and CUDA backends')
    .action(() => {
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
