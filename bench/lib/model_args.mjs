// Command-line options of `npm run bench:model`.
import os from 'node:os';

export const MODEL_HELP = `usage: npm run bench:model -- [options]

  --blocks N         transformer blocks of the generated GPT-2-small-shaped model (default 12)
  --seed S           generator seed (default 2024)
  --reps R           runs of each side per configuration; the table shows medians (default 3)
  --no-embedding     only the default-limits configuration (skip the one that analyses the 50257×768 embedding)
  --no-responsiveness  skip the event-loop stall measurement (drivers/analyze_stall.mjs)
  --threads N        BLAS threads for both sides (default: all cores = ${os.availableParallelism()})
  --python PATH      python interpreter with numpy and scipy (default: python3)
  --gguf-only        only the GGUF part: read + dequantize throughput of 7B-sized Q4_K/Q6_K layers
  --no-gguf          skip the GGUF part
  --report           measure nothing: re-print the tables and regenerate the README block from bench/model-results.json
  --help

  npm run bench:model -- scale [--div D] [--layers L] [--files F] [--threads T]
                     the scaling bench (bench/scale.mjs): a Llama-2-7B-shaped BF16 sharded checkpoint, one
                     process vs two --shard processes + merge, time per Σ n²m, 70B projection
  npm run bench:model -- floor [--shapes gpt2-4,gpt2,1b] [--reps R] [--python]
                     analyze() through the Gram route vs the syrk + syevd floor in the same run (bench/floor.mjs),
                     on GPT-2-shaped checkpoints up to a 1B-parameter shape
`;

export function parseModelArgs(argv) {
  const o = { blocks: 12, seed: 2024, reps: 3, embedding: true, responsiveness: true, threads: os.availableParallelism(), pythonPath: 'python3', report: false, help: false, gguf: true, ggufOnly: false };
  const int = (name, v, min) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} expects an integer >= ${min}, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--blocks') o.blocks = int(a, value(), 1);
    else if (a === '--seed') o.seed = int(a, value(), 0);
    else if (a === '--reps') o.reps = int(a, value(), 1);
    else if (a === '--threads') o.threads = int(a, value(), 1);
    else if (a === '--python') o.pythonPath = value();
    else if (a === '--no-embedding') o.embedding = false;
    else if (a === '--no-responsiveness') o.responsiveness = false;
    else if (a === '--report') o.report = true;
    else if (a === '--gguf-only') o.ggufOnly = true;
    else if (a === '--no-gguf') o.gguf = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option ${a}\n\n${MODEL_HELP}`);
  }
  return o;
}
