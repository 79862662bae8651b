// `analyze --shard i/n` + `merge` (issue 17 item 1): the scheduler environments map to the right part, the
// LPT split covers every layer once and is balanced by Σ n²m, and merging the parts gives the single run's
// layers.json, layers.csv and stdout exactly (copies split over parts still count once). A missing, duplicated,
// mismatched or unfinished part is a one-line error with exit 1; bad --shard values exit 2.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/errors.js';
import { resolveShard } from '../src/cli/shard-env.js';
import { assignShards, layerCost } from '../src/model/shard.js';
import { run } from './helpers/child.js';
import { fixturesDir } from './helpers/reference.js';

const main = join(process.cwd(), 'dist', 'cli', 'main.js');
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [main, ...args], { env: { ...process.env, WEIGHTSCOPE_DEBUG: '', COLUMNS: '', ...env }, timeoutMs: 120_000 });
const dups = join(fixturesDir, 'scale', 'dups.safetensors'); // generate_scale.py: copies, a NaN layer and its copy
const llama = join(fixturesDir, 'hf', 'llama'); // 86 layers
const tmp = () => mkdtempSync(join(tmpdir(), 'ws-shard-'));
/** layers.json without the wall time, which differs between runs. */
const doc = (dir: string) => {
  const d = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8'));
  delete d.seconds;
  return d;
};
const partsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));

async function shardRun(model: string, n: number, dir: string, extra: string[] = []): Promise<string[]> {
  for (let i = 0; i < n; i++) {
    const r = await cli(['analyze', model, '--shard', `${i}/${n}`, '--out', dir, '--no-progress', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^part ${i}/${n}: \\d+ of \\d+ layers`));
  }
  return partsIn(dir);
}

describe('--shard from the scheduler environment', () => {
  it('Slurm arrays: (ID - MIN) / STEP of COUNT, whatever the first index', () => {
    expect(resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 0, count: 4 });
    expect(resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({ index: 7, count: 8 });
    expect(resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    expect(resolveShard('auto', 5, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 5 });
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '3' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' })).toThrow(/outside 0\.\.7/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/STEP/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(UsageError);
  });

  it('Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with the count from --shard-count or WEIGHTSCOPE_SHARD_COUNT', () => {
    expect(resolveShard('auto', 6, { JOB_COMPLETION_INDEX: '5' })).toEqual({ index: 5, count: 6 });
    expect(resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '0', WEIGHTSCOPE_SHARD_COUNT: '2' })).toEqual({ index: 0, count: 2 });
    expect(() => resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '0' })).toThrow(/--shard-count/);
    expect(() => resolveShard('auto', 2, { JOB_COMPLETION_INDEX: '2' })).toThrow(/outside 0\.\.1/);
    expect(() => resolveShard('auto', undefined, {})).toThrow(/no scheduler index/);
  });

  it('--shard i/n is 0-based; anything else is a usage error', () => {
    expect(resolveShard('0/1', undefined, {})).toEqual({ index: 0, count: 1 });
    expect(resolveShard('6/7', undefined, {})).toEqual({ index: 6, count: 7 });
    expect(resolveShard(undefined, undefined, {})).toBeUndefined();
    for (const bad of ['7/7', '1/0', '-1/3', 'a/b', '1', '1/2/3', '1.5/3'])
      expect(() => resolveShard(bad, undefined, {}), bad).toThrow(UsageError);
    expect(() => resolveShard('0/2', 3, {})).toThrow(/--shard-count/);
    expect(() => resolveShard(undefined, 3, {})).toThrow(/--shard-count/);
  });
});

describe('the LPT split', () => {
  it('cost is N·M²·rf plus the size; every layer lands in exactly one part; the loads are within LPT bounds', () => {
    expect(layerCost({ shape: [100, 10] })).toBe(100 * 10 * 10 + 1000);
    expect(layerCost({ shape: [10, 100] })).toBe(100 * 10 * 10 + 1000);
    expect(layerCost({ shape: [8, 4, 3, 3], layout: 'oihw' })).toBe(9 * 8 * 16 + 288);
    expect(layerCost({ shape: [7] })).toBe(7);
    // outside the size limits a layer is never read (cost 1), unless tailOnly sketches it
    expect(layerCost({ shape: [60000, 64] }, {})).toBe(1);
    expect(layerCost({ shape: [8, 4] }, {})).toBe(1); // M < minEvals
    expect(layerCost({ shape: [60000, 64] }, { maxN: Infinity })).toBe(60000 * 64 * 64 + 60000 * 64);
    expect(layerCost({ shape: [60000, 512] }, { tailOnly: { k: 100, oversample: 20, powerIters: 2 } })).toBe(4 * 4 * 60000 * 512 * 120 + 60000 * 512);
    // one big layer and many small ones: by count the split would be 1 vs 19; by cost the big one is alone
    const layers = [{ shape: [4096, 4096] }, ...Array.from({ length: 19 }, () => ({ shape: [64, 64] }))];
    const part = assignShards(layers, 2);
    expect(part[0]).toBe(0);
    expect(part.slice(1).every((p) => p === 1)).toBe(true);
    // random shapes: a partition, and max load <= mean + largest cost (the greedy bound)
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const many = Array.from({ length: 300 }, () => ({ shape: [16 + Math.floor(rnd() * 500), 16 + Math.floor(rnd() * 500)] }));
    for (const n of [1, 3, 7, 16]) {
      const p = assignShards(many, n);
      expect(p.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
      const load = new Array(n).fill(0);
      many.forEach((l, i) => (load[p[i]] += layerCost(l)));
      const total = load.reduce((a, b) => a + b, 0);
      const maxCost = Math.max(...many.map(layerCost));
      expect(Math.max(...load)).toBeLessThanOrEqual(total / n + maxCost);
      expect(assignShards(many, n)).toEqual(p); // deterministic
    }
  });
});

describe('the analyze() hooks under --shard/--resume', () => {
  it('select picks layers by layerId from the filtered plan; onLayer reports each selected layer once, with its key and skips', async () => {
    const { analyze } = await import('../src/index.js');
    const m = (seed: number, r = 24, c = 16) => ({ data: Float64Array.from({ length: r * c }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) + Math.cos(i * i * 0.01 + seed)), shape: [r, c] as [number, number] });
    const a = m(1);
    const list = [
      { name: 'h.0.w', W: a },
      { name: 'h.1.w', W: m(2) },
      { name: 'h.2.w', W: { data: a.data.slice(), shape: a.shape } }, // a copy of h.0.w
      { name: 'h.3.tiny', W: m(3, 4, 4) }, // M < minEvals
      { name: 'x.4.w', W: m(4) }, // filtered out by `layers`
    ];
    const seenPlan: string[] = [];
    const done: { name: string; result: boolean; key?: string; skipped: string[] }[] = [];
    const r = await analyze(list, {
      layers: /^h\./,
      select: (layers) => {
        seenPlan.push(...layers.map((l) => `${l.layerId}:${l.name}:${l.shape.join('x')}`));
        return new Set(layers.filter((l) => l.name !== 'h.1.w').map((l) => l.layerId));
      },
      onLayer: (e) => done.push({ name: e.layer.name, result: !!e.result, key: e.key, skipped: e.skipped.map((s) => s.reason) }),
    });
    expect(seenPlan).toEqual(['0:h.0.w:24x16', '1:h.1.w:24x16', '2:h.2.w:24x16', '3:h.3.tiny:4x4']);
    expect(r.layers.map((l) => l.name)).toEqual(['h.0.w']);
    expect(r.layers[0].aliases).toEqual(['h.2.w']);
    expect(done.map((d) => d.name)).toEqual(['h.0.w', 'h.2.w', 'h.3.tiny']);
    expect(done[0].result).toBe(true);
    expect(done[1].result).toBe(false); // joined h.0.w's row
    expect(done[1].key).toBe(done[0].key);
    expect(done[2].key).toBeUndefined(); // skipped before reading
    expect(done[2].skipped[0]).toMatch(/minEvals/);
    await expect(analyze(list, { select: 1 as never })).rejects.toMatchObject({ code: 'E_OPTION' });
  });
});

describe('merge equals a single run', () => {
  for (const n of [1, 3, 7]) {
    it(`n = ${n} on a model with copies and a failing layer: layers.json, layers.csv and --json stdout`, async () => {
      const d = tmp();
      const single = await cli(['analyze', dups, '--json', '--no-progress', '--out', join(d, 'single')]);
      expect(single.status).toBe(0);
      const parts = await shardRun(dups, n, join(d, 'parts'));
      expect(parts).toHaveLength(n);
      const m = await cli(['merge', ...parts, '--json', '--out', join(d, 'merged')]);
      expect(m.status).toBe(0);
      expect(doc(join(d, 'merged'))).toEqual(doc(join(d, 'single')));
      expect(readFileSync(join(d, 'merged', 'layers.csv'), 'utf8')).toBe(readFileSync(join(d, 'single', 'layers.csv'), 'utf8'));
      const strip = (s: string) => s.replace(/"seconds": [^,]+,/, '');
      expect(strip(m.stdout)).toBe(strip(single.stdout));
      const merged = doc(join(d, 'merged'));
      // the copy and the failing layer's copy are handled as in one process, even when they ran in other parts
      expect(merged.layers.find((l: { name: string }) => l.name === 'blk.1.weight').aliases).toEqual(['blk.5.copy_of_1']);
      expect(merged.skipped.map((s: { name: string }) => s.name)).toEqual(['blk.0.bias', 'blk.7.nan', 'blk.8.copy_of_nan']);
      if (n === 7) {
        const owner = (name: string) => parts.findIndex((p) => readFileSync(p, 'utf8').includes(`"name":"${name}"`));
        expect(owner('blk.1.weight')).not.toBe(owner('blk.5.copy_of_1')); // the copy really was split off
      }
    });
  }

  it('n = 3 on the llama fixture (86 layers), with the HTML report and plots from parts analysed with --html', async () => {
    const d = tmp();
    const single = await cli(['analyze', llama, '--no-progress', '--html', '--plots', '--out', join(d, 'single')]);
    expect(single.status).toBe(0);
    const parts = await shardRun(llama, 3, join(d, 'parts'), ['--html']);
    const m = await cli(['merge', ...parts, '--html', '--plots', '--out', join(d, 'merged')]);
    expect(m.status).toBe(0);
    expect(doc(join(d, 'merged'))).toEqual(doc(join(d, 'single')));
    const html = (dir: string) => readFileSync(join(dir, 'report.html'), 'utf8').replace(/analysed in [\d.]+ s/, '');
    expect(html(join(d, 'merged'))).toBe(html(join(d, 'single')));
    const plots = readdirSync(join(d, 'single', 'plots')).sort();
    expect(readdirSync(join(d, 'merged', 'plots')).sort()).toEqual(plots);
    for (const f of plots) expect(readFileSync(join(d, 'merged', 'plots', f), 'utf8')).toBe(readFileSync(join(d, 'single', 'plots', f), 'utf8'));
    // the table (stdout) too, but for the time
    const table = (s: string) => s.replace(/, [\d.]+ s\n/, '\n').replace(/to \S+\n$/, '');
    expect(table(m.stdout)).toBe(table(single.stdout));
  });
});

describe('merge errors: one line, exit 1', () => {
  it('missing, duplicated, mismatched and unfinished parts; usage errors exit 2', async () => {
    const d = tmp();
    const parts = await shardRun(dups, 3, join(d, 'p'));
    const expectError = async (args: string[], re: RegExp, code = 1) => {
      const r = await cli(args);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr.trimEnd().split('\n')[0]).toMatch(re);
      if (code === 1) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    };
    await expectError(['merge', parts[0], parts[2]], /^weightscope: E_FORMAT: merge: missing part 1\/3 \(got 2 of 3\)$/);
    await expectError(['merge', parts[0], parts[1], parts[2], parts[1]], /merge: part 1\/3 is given twice/);
    // a part of the same model analysed with other options
    const other = await cli(['analyze', dups, '--shard', '1/3', '--metrics', 'mp', '--out', join(d, 'other'), '--no-progress']);
    expect(other.status).toBe(0);
    await expectError(['merge', parts[0], partsIn(join(d, 'other'))[0], parts[2]], /is a part of other options \(metrics\)/);
    // a part of another model
    const llamaPart = await cli(['analyze', llama, '--shard', '1/3', '--out', join(d, 'llama'), '--no-progress']);
    expect(llamaPart.status).toBe(0);
    await expectError(['merge', parts[0], partsIn(join(d, 'llama'))[0], parts[2]], /is a part of another model/);
    // a part of another split
    const four = await shardRun(dups, 4, join(d, 'four'));
    await expectError(['merge', parts[0], four[1], parts[2]], /another shard count \(3 vs 4\)/);
    // an unfinished part (killed: the end line and a layer missing, the last line cut in half)
    const text = readFileSync(parts[1], 'utf8').split('\n');
    const cut = join(d, 'cut.jsonl');
    writeFileSync(cut, text.slice(0, text.length - 3).join('\n') + '\n' + text[text.length - 3].slice(0, 20));
    await expectError(['merge', parts[0], cut, parts[2]], /part 1\/3 \(.*cut\.jsonl\) is unfinished: \d+ of \d+ layers done \(rerun it with --resume\)/);
    const junk = join(d, 'junk.jsonl');
    writeFileSync(junk, '{"hello": 1}\n');
    await expectError(['merge', junk], /junk\.jsonl: not a weightscope part or resume log/);
    await expectError(['merge', join(d, 'nope.jsonl')], /nope\.jsonl: cannot read \(ENOENT\)/);
    await expectError(['merge', ...parts, '--html', '--out', join(d, 'm')], /--html and --plots need parts analysed with --html/, 2);
    await expectError(['analyze', dups, '--shard', '3/3', '--out', d], /--shard 3\/3: shard index 3 is outside 0\.\.2/, 2);
    await expectError(['analyze', dups, '--shard', '0/3'], /--shard needs --out DIR/, 2);
    await expectError(['analyze', dups, '--shard', 'auto', '--out', d], /no scheduler index/, 2);
  });

  it('--shard auto takes the part from a Slurm array task and a Kubernetes Indexed Job', async () => {
    const d = tmp();
    const slurm = await cli(['analyze', dups, '--shard', 'auto', '--out', d, '--no-progress'], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' });
    expect(slurm.status, slurm.stderr).toBe(0);
    expect(slurm.stdout).toMatch(/^part 2\/3: /);
    const k8s = await cli(['analyze', dups, '--shard', 'auto', '--out', d, '--no-progress'], { JOB_COMPLETION_INDEX: '1', WEIGHTSCOPE_SHARD_COUNT: '3' });
    expect(k8s.status, k8s.stderr).toBe(0);
    expect(k8s.stdout).toMatch(/^part 1\/3: /);
    expect(readdirSync(d).sort()).toEqual(['part-0001-of-0003.jsonl', 'part-0002-of-0003.jsonl']);
  });
});
