// `weightscope bench`: times svdvals (gesdd and the Gram route) on this machine.
import { svdvals } from '../linalg/svd.js';
import { formatTable } from '../report/index.js';
import { UsageError } from './errors.js';

export async function runBench(o: { sizes: string }): Promise<void> {
  const sizes = o.sizes.split(',').map((s) => Number(s));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 2)) throw new UsageError('--sizes must be a list of integers >= 2');
  const rows = [];
  for (const n of sizes) {
    for (const Ctor of [Float64Array, Float32Array]) {
      const data = new Ctor(n * n);
      for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1;
      const m = { data, shape: [n, n] as [number, number] };
      await svdvals(m);
      const time = async (f: () => Promise<unknown>) => {
        const t = performance.now();
        await f();
        return (performance.now() - t) / 1000;
      };
      const gesdd = await time(() => svdvals(m));
      const gram = await time(() => svdvals(m, { method: 'gram' }));
      rows.push({ n, dtype: Ctor === Float64Array ? 'float64' : 'float32', gesdd_s: gesdd, gram_s: gram });
    }
  }
  process.stdout.write(formatTable(rows));
  process.stdout.write('\nThe full comparison with numpy, scipy and pure-JS libraries: `npm run bench` in a clone.\n');
}
