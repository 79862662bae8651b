// Bugs of other parts that the property suite finds on the current main, each tracked in issue 19 and being
// fixed elsewhere. A failing case that matches one (case and symptom) is reported as xfail, not failed; a
// known bug that no case shows any more makes its test fail, saying to delete the entry, so this list
// cannot go stale.
import type { KnownBug } from './harness.js';

const GESVDX: KnownBug = {
  what: 'issue 19 item 1: ?gesvdx writes past S and its workspace on rank-deficient input (svd with k); found here too: wrong vectors on ties (10x9 orthogonal float32, k = 2: |A − U S Vt| = 57)',
  matches: (c) => (c.fam === 'svd' && c.args.k !== undefined) || c.fam === 'angles' || c.fam === 'layerAlignment',
  symptom: /crashed the process|malloc|double free|corrupted|U S Vt|orthonormal/,
  // heap corruption does not always crash; npm run test:valgrind detects it deterministically
  intermittent: true,
};

const GRAM_UNDERFLOW: KnownBug = {
  what: 'issue 19 item 10: the Gram route underflows to 0 (float32 entries near 1e-30, float64 near 1e-170)',
  matches: (c) => c.fam === 'gram' || c.fam === 'gramEigvalsh' || (c.fam === 'svdvals' && c.args.method === 'gram'),
};

const VALIDATION: KnownBug = {
  what:
    "issue 19 items 9-10: matrix(rows, 'int8') is accepted; setThreads(2**31) truncates; setLargeJobFlops('5' | null) is a TypeError. " +
    "Found here, not in the issue: matrix(rows, 'float32') turns entries past float32's range into ±Infinity silently",
  matches: (c) =>
    (c.fam === 'matrix' && c.args.dtype !== 'float64') ||
    (c.fam === 'threads' && !(typeof c.args.n === 'number' && c.args.n <= 1024)) ||
    ((c.fam === 'largeJobFlops' || c.fam === 'cudaCrossover') && typeof c.args.v !== 'number'),
};

// (Fixed and removed: logHistogram's spread and the report writers' TypeErrors — the report layer; mpCdf near
// Q = 1 and summarize/snakeCase/jensenShannonDistance/mpKsTest/shuffled's TypeErrors — the fit and heavy-tail layers.)
export const KNOWN: KnownBug[] = [GESVDX, GRAM_UNDERFLOW, VALIDATION];
