// The native paths degenerate inputs reach, for a run under valgrind (OpenBLAS is not instrumented by
// ASan, so an out-of-bounds write inside LAPACK, like OpenBLAS 0.3.21 ?gesvdx's on rank-deficient input,
// shows only here):
//   valgrind --error-exitcode=1 --leak-check=no node --jitless test/native/valgrind-degenerate.mjs
// Zero, constant, one-hot and duplicate-row matrices, f32 and f64, sync and async: svdvals (gesdd and
// the Gram route), svd (thin, full, top-k), eigvalsh, gram, gramEigvalsh, the batch; prints "ok <n> calls".
const ws = await import(new URL('../../dist/index.js', import.meta.url).href);
ws.setThreads(1);
const [rows, cols] = [7, 5];
const cases = {
  zero: () => new Float64Array(rows * cols),
  constant: () => new Float64Array(rows * cols).fill(-1.75),
  onehot: () => { const a = new Float64Array(rows * cols); a[3 * cols + 2] = 1; return a; },
  duplicate: () => Float64Array.from({ length: rows * cols }, (_, i) => ((Math.floor(i / cols) % 2) + 1) * ((i % cols) - 2)),
};
let calls = 0;
const sq = (m) => { const n = Math.min(m.shape[0], m.shape[1]); const d = new m.data.constructor(n * n); for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = m.data[i * cols + j] + m.data[j * cols + i]; return { data: d, shape: [n, n] }; };
for (const make of Object.values(cases))
  for (const Ctor of [Float64Array, Float32Array])
    for (const shape of [[rows, cols], [cols, rows]]) {
      const m = { data: Ctor.from(make()), shape };
      const sync = [
        () => ws.svdvalsSync(m), () => ws.svdvalsSync(m, { method: 'gram' }), () => ws.svdSync(m), () => ws.svdSync(m, { full: true }),
        () => ws.svdSync(m, { k: 1 }), () => ws.svdSync(m, { k: 3 }), () => ws.gramSync(m), () => ws.gramEigvalshSync(m),
        () => ws.eigvalshSync(sq(m)), () => ws.svdvalsBatchSync([m, m, m]),
      ];
      for (const f of sync) { f(); calls++; }
      await Promise.all([
        ws.svdvals(m), ws.svdvals(m, { method: 'gram' }), ws.svd(m, { k: 2 }), ws.svd(m, { full: true }), ws.gram(m), ws.gramEigvalsh(m),
        ws.eigvalsh(sq(m)), ws.svdvalsBatch([m, m]),
      ]);
      calls += 8;
    }
console.log(`ok ${calls} calls`);
