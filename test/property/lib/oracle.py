"""numpy's answer for each property-suite case (test/property/lib/harness.ts runs this once per test file).

stdin: a JSON list of cases {id, fam, args}; stdout: {id: {"value": ...} | {"error": CODE, "why": ...}}, with
"either": true where the input sits on the boundary of what is defined (then a value or a typed error is
accepted). Linear algebra is numpy/scipy (LAPACK) in float64 on the exact input values (float32 inputs are
widened exactly); quantities whose magnitude may leave float64's range are formed with mpmath, whose
exponent range is unbounded, and a result float64 cannot hold is "undefined" (E_NONFINITE).
"""
import base64
import json
import math
import sys

import mpmath as mp
import numpy as np

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from oracle_metrics import METRICS  # noqa: E402
from oracle_heavytail import HEAVYTAIL  # noqa: E402
from oracle_model import MODEL  # noqa: E402
from oracle_common import Undefined, f64, mat, svals  # noqa: E402

MAX32 = float(np.finfo(np.float32).max)
TINY32 = float(np.finfo(np.float32).tiny)


def o_svdvals(a):
    A, dt = mat(a['A'])
    s = svals(A)
    if a.get('method') == 'gram':
        # The Gram route squares: it may refuse (E_NONFINITE) where σ_max² or the entries² leave the dtype's range.
        big, tiny = (MAX32, TINY32) if dt == 'float32' else (sys.float_info.max, sys.float_info.min)
        top = mp.mpf(float(s[0])) ** 2 if s.size else 0
        amax = float(np.max(np.abs(A))) if A.size else 0
        out_of_range = top > big or (amax > 0 and mp.mpf(amax) ** 2 < tiny)
        return {'value': s.tolist(), 'either': bool(out_of_range)}
    return {'value': s.tolist()}


def o_svd(a):
    A, _ = mat(a['A'])
    return {'value': {'S': svals(A).tolist()}}


def o_eigvalsh(a):
    A, _ = mat(a['A'])
    return {'value': np.linalg.eigvalsh(A).tolist()}


def o_gram(a):
    A, dt = mat(a['A'])
    G = A.T @ A if A.shape[0] >= A.shape[1] else A @ A.T
    # In mpmath, so that entries past the dtype's range are seen as such.
    big, tiny = (MAX32, TINY32) if dt == 'float32' else (sys.float_info.max, sys.float_info.min)
    amax = float(np.max(np.abs(A)))
    top = mp.mpf(amax) ** 2 * min(A.shape)
    if amax == 0:
        return {'value': {'G': G.ravel().tolist(), 'n': G.shape[0]}}
    if mp.mpf(amax) ** 2 > big:
        return {'error': 'E_NONFINITE', 'why': 'Gram entries overflow the dtype', 'either': bool(mp.mpf(amax) ** 2 < big * min(A.shape))}
    if top < tiny:
        return {'error': 'E_NONFINITE', 'why': 'every Gram entry underflows the dtype'}
    if mp.mpf(amax) ** 2 < tiny:
        return {'value': {'G': G.ravel().tolist(), 'n': G.shape[0]}, 'either': True}
    return {'value': {'G': G.ravel().tolist(), 'n': G.shape[0]}}


def o_gram_eigvalsh(a):
    r = o_svdvals({'A': a['A'], 'method': 'gram'})
    s = np.array(r['value'])
    return {'value': (s[::-1] ** 2).tolist(), 'either': r['either']}


def o_batch(a):
    return {'value': [svals(mat(m)[0]).tolist() for m in a['As']]}


def o_matrix(a):
    rows, dt = a['rows'], a.get('dtype', 'float64')
    if dt not in ('float32', 'float64'):
        raise Undefined('E_OPTION', 'dtype must be float32 or float64')
    if not isinstance(rows, list) or len(rows) == 0 or not isinstance(rows[0], list) or len(rows[0]) == 0:
        raise Undefined('any', 'no rows or no columns')
    c = len(rows[0])
    for r in rows:
        if not isinstance(r, list) or len(r) != c:
            raise Undefined('E_SHAPE', 'ragged rows')
        for v in r:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise Undefined('E_DTYPE', 'an entry is not a number')
    a = np.array(rows, dtype=np.float64)
    if dt == 'float32' and np.any(np.abs(a) > MAX32 * (1 + 2 ** -25)):
        raise Undefined('E_NONFINITE', 'an entry is past float32\'s range')
    return {'value': a.astype(np.float32 if dt == 'float32' else np.float64).astype(np.float64).ravel().tolist()}


def o_dtypeof(a):
    return {'value': a['A']['dtype']}


def positive_int(v, limit):
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= limit


def o_threads(a):
    # setThreads accepts 1..1024 (issue 19 item 10: a documented maximum); getThreads returns it.
    if positive_int(a['n'], 1024):
        return {'value': a['n']}
    raise Undefined('E_OPTION', 'not a positive integer in range')


def o_nonneg(a):
    v = a['v']
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and math.isfinite(v):
        return {'value': v}
    raise Undefined('E_OPTION', 'not a number >= 0')


def o_junk(a):
    raise Undefined('any', 'arbitrary arguments: a value or a typed error', either=True)


def o_info(a):
    return {'value': {'cpuLibrary': 'OpenBLAS', 'jobsInFlight': 0}}


ORACLES = {
    'svdvals': o_svdvals,
    'svd': o_svd,
    'eigvalsh': o_eigvalsh,
    'gram': o_gram,
    'gramEigvalsh': o_gram_eigvalsh,
    'svdvalsBatch': o_batch,
    'matrix': o_matrix,
    'dtypeOf': o_dtypeof,
    'threads': o_threads,
    'largeJobFlops': o_nonneg,
    'cudaCrossover': o_nonneg,
    'info': o_info,
    'junk': o_junk,
    **METRICS,
    **HEAVYTAIL,
    **MODEL,
}


def finite(v):
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, (list, tuple)):
        return all(finite(x) for x in v)
    if isinstance(v, dict):
        return all(finite(x) for x in v.values())
    return True


def main():
    cases = json.load(sys.stdin)
    out = {}
    with np.errstate(all='ignore'):
        for c in cases:
            try:
                r = ORACLES[c['fam']](c['args'])
                if 'value' in r and not finite(r['value']):
                    raise Undefined('E_NONFINITE', 'the value overflows float64')
                out[c['id']] = r
            except Undefined as u:
                out[c['id']] = {'error': u.code, 'why': u.why, **({'either': True} if u.either else {})}
    json.dump(out, sys.stdout, allow_nan=False, default=f64)


if __name__ == '__main__':
    main()
