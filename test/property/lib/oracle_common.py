"""Shared pieces of the property-suite oracle: decoding, float64-range checks, errors."""
import base64
import sys

import mpmath as mp
import numpy as np

mp.mp.prec = 80  # a few bits beyond float64 for the scale bookkeeping; the linear algebra is LAPACK's

MAX = sys.float_info.max


class Undefined(Exception):
    """The result is undefined for this input: weightscope must throw a WeightscopeError with `code`."""

    def __init__(self, code, why='', either=False):
        super().__init__(why)
        self.code, self.why, self.either = code, why, either


def mat(m):
    """(float64 array with the exact values, dtype name)."""
    dt = '<f4' if m['dtype'] == 'float32' else '<f8'
    a = np.frombuffer(base64.b64decode(m['b64']), dtype=dt).reshape(m['shape']).astype(np.float64)
    return a, m['dtype']


def eps_of(dt):
    return 2.0 ** -23 if dt == 'float32' else 2.0 ** -52


def svals(A):
    return np.linalg.svd(A, compute_uv=False)


def unit(x):
    """x / max|x| with an exact power of two (float64 operations on it cannot overflow)."""
    m = float(np.max(np.abs(x))) if x.size else 0.0
    return x if m == 0 else np.ldexp(x, -int(np.frexp(m)[1]))


def to_float(x, what):
    """An mpmath value as a float64, or Undefined(E_NONFINITE) when float64 cannot hold it.
    Within 1e-9 (relative) of either end it is a boundary case: a value or the error are both accepted."""
    x = mp.mpf(x)
    ax = abs(x)
    if ax > MAX:
        raise Undefined('E_NONFINITE', f'{what} overflows float64', either=bool(ax < MAX * (1 + 1e-9)))
    f = float(x)
    if x != 0 and f == 0:
        raise Undefined('E_NONFINITE', f'{what} underflows float64', either=bool(ax > mp.mpf(2) ** -1075 * (1 - 1e-9)))
    return f


def f64(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, mp.mpf):
        return float(o)
    raise TypeError(type(o))
