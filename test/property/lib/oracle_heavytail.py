"""numpy/scipy references for the fit and heavy-tail layers: the power-law fit as formulas.md §2 defines it,
the Marchenko–Pastur law, the Jensen–Shannon distance (scipy), the KS test (scipy), analyzeMatrix."""
import numpy as np
import scipy.integrate
import scipy.spatial.distance
import scipy.special

from oracle_common import Undefined, eps_of, mat
from oracle_features import o_esd, o_norms, conv_slices


def powerlaw(values, threshold=1e-5, rule='ks', xmin_pos=2):
    """Every acceptable outcome of the fit: {'failed': True} or {'options': [(xmin, alpha, D, k)], 'n': n}."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    x = x[x > max(threshold, 0)]
    n = len(x)
    if n < 2:
        return {'failed': True, 'n': n}

    def alpha(i):
        s = float(np.sum(np.log(x[i:] / x[i])))
        return 1 + (n - i) / s if s > 0 else np.nan

    def ks(i, a):
        if not a > 1:
            return 1.0
        k = n - i
        return float(np.max(np.abs(1 - (x[i:] / x[i]) ** (1 - a) - np.arange(k) / k)))

    if rule == 'mid':
        i = int(np.floor(n / xmin_pos))
        if i > n - 2:
            return {'failed': True, 'n': n}
        a = alpha(i)
        if not a > 1:
            return {'failed': True, 'n': n}
        return {'options': [(float(x[i]), a, ks(i, a), n - i)], 'n': n}
    fits = [(i, alpha(i)) for i in range(n - 1)]
    D = [ks(i, a) if a > 1 else np.inf for i, a in fits]
    if not np.any(np.isfinite(D)):
        return {'failed': True, 'n': n}
    best = min(D)
    # near-ties of D (rounding of pow) may pick either candidate
    opts = [(float(x[i]), a, d, n - i) for (i, a), d in zip(fits, D) if d <= best + 1e-9]
    return {'options': opts, 'n': n}


def o_powerlaw(a):
    ev = a['evals']
    if any(v is None or not np.isfinite(v) for v in ev):
        raise Undefined('E_NONFINITE', 'NaN or Infinity in evals')
    return {'value': powerlaw(ev, a.get('threshold', 1e-5), a.get('xmin', 'ks'), a.get('xminPos', 2))}


def o_mplaw(a):
    Q, sigma = a['Q'], a['sigma']
    r = 1 / np.sqrt(Q)
    lo, hi = (sigma * (1 - r)) ** 2, (sigma * (1 + r)) ** 2
    xs = a['xs']

    def pdf(x):
        v = Q / (2 * np.pi * sigma ** 2 * x) * np.sqrt((hi - x) * (x - lo)) if lo < x < hi else 0.0
        return float(v)

    def cdf(x):
        if x <= lo:
            return 0.0
        if x >= hi:
            return 1.0
        total = scipy.integrate.quad(pdf, lo, hi, limit=200)[0]
        return scipy.integrate.quad(pdf, lo, x, limit=200)[0] / total
    return {'value': {
        'a': lo, 'b': hi,
        'pdf': [pdf(x) for x in xs],
        'cdf': [cdf(x) for x in xs],
        'tw': float(Q ** -0.5 * a['lambdaPlus'] ** (2 / 3) * a['M'] ** (-2 / 3)),
    }}


def o_jsd(a):
    p, q = np.asarray(a['p'], dtype=np.float64), np.asarray(a['q'], dtype=np.float64)
    return {'value': float(scipy.spatial.distance.jensenshannon(p, q))}


def o_mpks(a):
    x = np.sort(np.asarray(a['x'], dtype=np.float64))
    Q, sigma = a['Q'], a['sigma']
    cdf = o_mplaw({'Q': Q, 'sigma': sigma, 'xs': x.tolist(), 'lambdaPlus': 1, 'M': 1})['value']['cdf']
    n = len(x)
    D = max(max((i + 1) / n - f, f - i / n) for i, f in enumerate(cdf))
    sn = np.sqrt(n)
    return {'value': {'D': D, 'pValue': float(scipy.special.kolmogorov((sn + 0.12 + 0.11 / sn) * D))}}


def o_slices(a):
    m = a['W']
    T, _ = mat({**m, 'shape': [int(np.prod(m['shape']))]})
    if len(m['shape']) == 2:
        return {'value': [T.tolist()]}
    slices, _ = conv_slices(T, m['shape'], a.get('layout', 'auto'))
    return {'value': [s.ravel().tolist() for s in slices]}


def o_analyze(a):
    e = o_esd(a)['value']
    ev = np.array(e['evals'])
    fit = powerlaw(ev, 1e-5, 'ks')
    alpha = fit['options'][0][1] if 'options' in fit else np.nan
    if e['lmax'] == 0:  # a zero layer: norms 0, rank 0, the fit fails
        nm = {'norm': 0.0, 'matrixRank': {'lo': 0, 'hi': 0}}
    else:
        nm = o_norms({'evals': ev.tolist(), 'alpha': alpha, 'N': e['N'], 'eps': eps_of(a['W']['dtype'])})['value']
    return {'value': {'esd': e, 'fit': fit, 'norms': nm}}


def o_shuffled(a):
    return {'value': sorted(a['values'])}


HEAVYTAIL = {
    'powerlaw': o_powerlaw,
    'mplaw': o_mplaw,
    'jsd': o_jsd,
    'mpks': o_mpks,
    'slices': o_slices,
    'analyze': o_analyze,
    'shuffled': o_shuffled,
}
