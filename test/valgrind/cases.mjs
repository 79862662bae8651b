// The degenerate-input cases run under valgrind by `npm run test:valgrind` (scripts/test-valgrind.sh):
// zero, constant, one-hot and duplicate-row matrices (plus a plain gaussian one), float32 and float64, sync
// and async, through every native entry point and the multi-step metrics on zero-initialised layers.
// Typed errors (E_DEGENERATE for a zero layer's subspaces, …) are expected outcomes; anything else that
// escapes is printed and makes the run fail, as does any memory error valgrind reports.
// Usage: node --jitless cases.mjs <dist/index.js> <group>; groups: svd-k, svd, gram-eig, subspace, metrics, selftest.
import { rng } from '../fuzz/prng.mjs';

const w = await import(process.argv[2]);
const group = process.argv[3];
const GROUPS = ['svd-k', 'svd', 'gram-eig', 'subspace', 'metrics', 'selftest'];
if (!GROUPS.includes(group)) {
  console.error(`unknown group ${group} (one of ${GROUPS.join(', ')})`);
  process.exit(2);
}
if (group === 'selftest') {
  // today's svd(zeros(6, 4), { k: 2 }): ?gesvdx writes past S (issue 19 item 1) — valgrind must report it
  try {
    w.svdSync({ data: new Float64Array(24), shape: [6, 4] }, { k: 2 });
  } catch {}
  process.exit(0);
}

function gaussian(seed) {
  const u = rng(seed).next;
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

const STRUCTURES = {
  zero: () => 0,
  constant: () => 0.75,
  oneHot: (i, j, cols) => (j === i % cols ? 1 : 0),
  duplicateRows: (i, j) => Math.sin(1 + (i % 2) * 7 + j * 3),
  gaussian: null,
};

function make(structure, rows, cols, Arr, seed = 1) {
  const g = gaussian(seed);
  const f = STRUCTURES[structure];
  const data = new Arr(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f ? f(i, j, cols) : g();
  return { data, shape: [rows, cols] };
}

const shapes = [[6, 4], [4, 6], [5, 5], [1, 4], [4, 1]];
let calls = 0;
let typed = 0;
const unexpected = [];

async function run(name, f) {
  calls++;
  try {
    await f();
  } catch (e) {
    if (e?.name === 'WeightscopeError') typed++;
    else unexpected.push(`${name}: ${e?.stack ?? e}`);
  }
}

for (const Arr of [Float64Array, Float32Array])
  for (const structure of Object.keys(STRUCTURES))
    for (const [r, c] of shapes) {
      const m = make(structure, r, c, Arr);
      const sq = make(structure, r, r, Arr);
      const mn = Math.min(r, c);
      const tag = `${structure} ${r}x${c} ${Arr.name}`;
      if (group === 'svd-k')
        for (const k of [1, 2, mn].filter((k) => k <= mn)) {
          await run(`svdSync k=${k} ${tag}`, () => w.svdSync(m, { k }));
          await run(`svd k=${k} ${tag}`, () => w.svd(m, { k }));
        }
      if (group === 'svd') {
        await run(`svdSync ${tag}`, () => w.svdSync(m));
        await run(`svd full ${tag}`, () => w.svd(m, { full: true }));
        await run(`svdvalsSync ${tag}`, () => w.svdvalsSync(m));
        await run(`svdvals ${tag}`, () => w.svdvals(m));
        await run(`svdvals gram ${tag}`, () => w.svdvals(m, { method: 'gram' }));
        await run(`svdvalsBatchSync ${tag}`, () => w.svdvalsBatchSync([m, m, m]));
        await run(`svdvalsBatch ${tag}`, () => w.svdvalsBatch([m, m]));
      }
      if (group === 'gram-eig') {
        await run(`gramSync ${tag}`, () => w.gramSync(m));
        await run(`gram ${tag}`, () => w.gram(m));
        await run(`gramEigvalsh ${tag}`, () => w.gramEigvalsh(m));
        await run(`gramEigvalshSync ${tag}`, () => w.gramEigvalshSync(m));
        await run(`eigvalshSync ${tag}`, () => w.eigvalshSync(sq));
        await run(`eigvalsh ${tag}`, () => w.eigvalsh(sq));
      }
      if (group === 'subspace') {
        const other = make('gaussian', r, c, Arr, 7);
        for (const k of [1, mn].filter((k) => k <= mn)) {
          await run(`principalAngles k=${k} ${tag}`, () => w.principalAngles(m, other, { k }));
          await run(`principalAnglesSync k=${k} ${tag}`, () => w.principalAnglesSync(other, m, { k, side: 'right' }));
          await run(`subspaceOverlap k=${k} ${tag}`, () => w.subspaceOverlap(m, other, { k }));
        }
        const next = make(structure, 3, r, Arr, 3);
        await run(`layerAlignment ${tag}`, () => w.layerAlignment(m, next));
        await run(`layerAlignmentSync k=${Math.min(2, mn, 3)} ${tag}`, () => w.layerAlignmentSync(m, next, { k: Math.min(2, mn, 3) }));
      }
      if (group === 'metrics') {
        await run(`rankReport ${tag}`, () => w.rankReport(m));
        await run(`esd ${tag}`, () => w.esd(m, { minEvals: 1 }));
        await run(`esd gram ${tag}`, () => w.esd(m, { minEvals: 1, method: 'gram' }));
        await run(`balancedness ${tag}`, () => w.balancedness([m, make(structure, 2, r, Arr, 5)]));
        await run(`analyzeMatrix ${tag}`, () => w.analyzeMatrix(m, { minEvals: 1 }));
      }
    }

console.log(`valgrind cases (${group}): ${calls} calls, ${typed} typed errors (expected for degenerate input), ${unexpected.length} unexpected`);
for (const u of unexpected) console.log(`UNEXPECTED ${u}`);
process.exit(unexpected.length ? 2 : 0);
