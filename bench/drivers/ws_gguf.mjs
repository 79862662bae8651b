// node [--expose-gc] bench/drivers/ws_gguf.mjs '{"reps":3,"warm":false}': the GGUF read + dequantize measurement
// of bench/lib/gguf_bench.mjs in its own process (so WEIGHTSCOPE_POOL_MB applies from the start); prints JSON.
import path from 'node:path';
import { measureGguf } from '../lib/gguf_bench.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const cache = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.cache');
const r = await measureGguf(cache, cfg.reps ?? 3, (m) => process.stderr.write(`${m}\n`), cfg.warm === true);
process.stdout.write(`${JSON.stringify(r)}\n`);
