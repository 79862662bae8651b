// The competitors of the svdvals table, what each one calls, and lookups into the results.

export const COMPETITORS = [
  { id: 'ws-sync', short: 'ws sync', label: 'weightscope svdvalsSync(m) — ?gesdd JOBZ=N' },
  { id: 'ws-async', short: 'ws svdvals', label: 'weightscope await svdvals(m) — ?gesdd JOBZ=N on the native scheduler threads' },
  { id: 'ws-gram', short: 'ws gram', label: "weightscope await svdvals(m, {method:'gram'}) — ?syrk + ?syevd" },
  { id: 'numpy', short: 'numpy', label: 'numpy.linalg.svd(a, compute_uv=False) (numpy.linalg computes float32 input in float64, then casts)' },
  { id: 'scipy-gesdd', short: 'scipy gesdd', label: "scipy.linalg.svd(a, compute_uv=False, lapack_driver='gesdd', check_finite=False) (= scipy.linalg.svdvals)" },
  { id: 'ml-matrix', short: 'ml-matrix', label: 'ml-matrix new SingularValueDecomposition(a, values only) (pure JS, f64)' },
  { id: 'svd-js', short: 'svd-js', label: 'svd-js SVD(a, false, false) (pure JS, f64)' },
];

export const PURE_JS = new Set(['ml-matrix', 'svd-js']);

export const sizeKey = ([rows, cols]) => (rows === cols ? `${rows}²` : `${rows}×${cols}`);

/** The svdvals entry for a size, dtype and competitor (pure-JS peers are timed once, in f64). */
export function entry(results, rows, cols, dtype, id) {
  const d = PURE_JS.has(id) ? 'f64' : dtype;
  return results.svdvals.find((e) => e.rows === rows && e.cols === cols && e.dtype === d && e.competitor === id && !e.error && !e.skipped);
}

export function medianOf(results, rows, cols, dtype, id) {
  return entry(results, rows, cols, dtype, id)?.median_ms;
}
