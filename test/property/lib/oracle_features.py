"""numpy references for neural collapse, richness (D_LR), the ESD and its norm metrics."""
import numpy as np
import mpmath as mp

from oracle_common import Undefined, eps_of, mat, svals, to_float, unit

E64 = 2.0 ** -52


def labels_of(y, n, num_classes):
    if len(y) != n:
        raise Undefined('E_SHAPE', 'label count != n')
    for v in y:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise Undefined('E_DTYPE', 'label not a class index')
        if v >= n:
            raise Undefined('E_SHAPE', 'label >= n')
    C = max(y) + 1
    if num_classes is not None:
        if num_classes > n:
            raise Undefined('E_SHAPE', 'numClasses > n')
        if C > num_classes:
            raise Undefined('E_SHAPE', 'label >= numClasses')
        C = num_classes
    if C < 2:
        raise Undefined('E_DEGENERATE', 'one class')
    counts = np.bincount(np.asarray(y), minlength=C)
    if np.any(counts == 0):
        raise Undefined('E_DEGENERATE', 'empty class')
    return np.asarray(y), C


def band_rank(s, tol):
    return int(np.sum(s > 2 * tol)), int(np.sum(s > 0.5 * tol))


# ---- neural collapse (Papyan et al. 2020) ----

def o_collapse(a):
    H, _ = mat(a['H'])
    n, d = H.shape
    y, C = labels_of(a['labels'], n, a.get('numClasses'))
    if a.get('b') is not None and a.get('W') is None:
        raise Undefined('E_OPTION', 'b without W')
    eH = int(np.frexp(np.max(np.abs(H)))[1]) if np.any(H) else 0
    h = np.ldexp(H, -eH)
    mu = np.stack([h[y == c].mean(axis=0) for c in range(C)])
    muG = h.mean(axis=0)
    M = (mu - muG).T  # d x C
    norms = np.linalg.norm(M, axis=0)
    floor = n * np.sqrt(d) * E64 * np.max(np.abs(h))
    if np.linalg.norm(M) <= 2 * floor or np.any(norms <= 2 * floor):
        either = bool(np.linalg.norm(M) > 0.5 * floor and np.all(norms > 0.5 * floor))
        raise Undefined('E_DEGENERATE', 'class means coincide', either=either)
    U, s, _ = np.linalg.svd(M, full_matrices=False)
    tol = s[0] * max(d, C) * E64
    lo, hi = band_rank(s, tol)
    r = int(np.sum(s > tol))
    R = h - mu[y]
    SW = R.T @ R / n
    P = U[:, :r] @ np.diag(C / s[:r] ** 2) @ U[:, :r].T  # pinv(Σ_B), Σ_B = M Mᵀ / C
    nc1 = float(np.trace(SW @ P) / C)
    cos = [(M[:, i] @ M[:, j]) / (norms[i] * norms[j]) for i in range(C) for j in range(i + 1, C)]
    out = {
        'nc1': nc1,
        'nc1Cond': float((s[0] / s[r - 1]) ** 2),
        # h − μ_y cancels when the classes are tight: its relative rounding is eps·max|h|/rms(h − μ_y)
        'nc1Cancel': float(np.max(np.abs(h)) / np.sqrt(np.mean(R * R))) if np.any(R) else 1e300,
        'nc2Equinorm': float(np.std(norms) / np.mean(norms)),
        'nc2Equiangular': float(np.std(cos)),
        'nc2Etf': float(np.mean([abs(c + 1 / (C - 1)) for c in cos])),
        'numClasses': C,
        'rankB': {'lo': lo, 'hi': hi},
    }
    if a.get('W') is not None:
        W, _ = mat(a['W'])
        if W.shape != (C, d):
            raise Undefined('E_SHAPE', 'W is not [C, d]')
        if not np.any(W):
            raise Undefined('E_DEGENERATE', 'W is zero')
        eW = int(np.frexp(np.max(np.abs(W)))[1])
        w = np.ldexp(W, -eW)
        b = np.zeros(C) if a.get('b') is None else np.asarray(a['b'], dtype=np.float64)
        if b.shape != (C,):
            raise Undefined('E_SHAPE', 'b is not of length C')
        bs = np.ldexp(b, -(eW + eH))
        out['nc3'] = float(np.sum((w / np.linalg.norm(w) - M.T / np.linalg.norm(M)) ** 2))
        z = h @ w.T + bs
        dist = ((h[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
        arg, near = np.argmax(z, axis=1), np.argmin(dist, axis=1)
        # samples whose decision is a near-tie (relative 1e-9) may go either way
        zs = np.sort(z, axis=1)
        ds = np.sort(dist, axis=1)
        zscale = np.max(np.abs(z), axis=1) + 1e-300
        amb = (zs[:, -1] - zs[:, -2] <= 1e-9 * zscale) | (ds[:, 1] - ds[:, 0] <= 1e-9 * (ds[:, 1] + 1e-300))
        out['nc4'] = {'value': float(np.mean(arg != near)), 'slack': float(np.mean(amb))}
    return {'value': out}


# ---- richness: D_LR = 1 − CKA(ΦcΦcᵀ, P_F) (Nam et al. 2024) ----

def projector_basis(X, eps, floor, what):
    U, s, _ = np.linalg.svd(X, full_matrices=False)
    if s[0] <= 2 * floor:
        raise Undefined('E_DEGENERATE', f'{what} constant', either=bool(s[0] > 0.5 * floor))
    tol = s[0] * max(X.shape) * eps
    lo, hi = band_rank(s, tol)
    if lo != hi:
        raise Undefined('any', f'{what}: rank at the tolerance', either=True)
    return U[:, :lo], lo


def o_richness(a):
    Phi, dp = mat(a['features'])
    F, df = mat(a['outputs'])
    n = Phi.shape[0]
    if F.shape[0] != n:
        raise Undefined('E_SHAPE', 'sample counts differ')
    if n < 2:
        raise Undefined('E_SHAPE', 'n < 2')
    labels = a.get('labels')
    if labels is not None:
        y, C = labels_of(labels, n, a.get('numClasses'))
    ePhi = int(np.frexp(np.max(np.abs(Phi)))[1]) if np.any(Phi) else 0
    phi, f = np.ldexp(Phi, -ePhi), unit(F)
    phic, fc = phi - phi.mean(axis=0), f - f.mean(axis=0)
    floorF = n * np.sqrt(n * F.shape[1]) * E64 * np.max(np.abs(f))
    Q, r = projector_basis(fc, eps_of(df), floorF, 'outputs')
    floorP = n * np.sqrt(n * Phi.shape[1]) * E64 * np.max(np.abs(phi))
    G = phic.T @ phic if n >= Phi.shape[1] else phic @ phic.T
    k2 = np.sqrt(np.linalg.norm(G))
    if k2 <= 2 * floorP:
        raise Undefined('E_DEGENERATE', 'features constant', either=bool(k2 > 0.5 * floorP))
    K = phic @ phic.T
    cka = float(min(1.0, np.sum(K * (Q @ Q.T)) / (np.linalg.norm(K) * np.sqrt(r))))
    Ue, sv, _ = np.linalg.svd(phic, full_matrices=False)
    rho = sv ** 2  # eigenvalues of ΦcᵀΦc, descending, min(n, p) of them
    m_tol = rho[0] * max(n, Phi.shape[1]) * eps_of(dp)
    m = int(np.sum(rho > m_tol))
    gaps = [i for i in range(m) if i == m - 1 or rho[i] - rho[i + 1] > 1e-6 * rho[0]]
    util = np.cumsum(np.sum((Q.T @ Ue[:, :m]) ** 2, axis=0)) / r
    out = {
        'dLR': 1 - cka,
        'cka': cka,
        'outputRank': r,
        'eigenvalues': [float(mp.ldexp(mp.mpf(float(v)), 2 * ePhi)) for v in rho],
        'rho1': to_float(mp.ldexp(mp.mpf(float(rho[0])), 2 * ePhi), 'rho_1'),
        'relativeEigenvalues': (rho / rho[0]).tolist(),
        'cumulativeUtilisation': util.tolist(),
        'okIdx': gaps,
        'm': {'lo': int(np.sum(rho > 2 * m_tol)), 'hi': int(np.sum(rho > 0.5 * m_tol))},
        'effectiveDimension': float(np.exp(-np.sum((p := rho / np.sum(rho))[p > 0] * np.log(p[p > 0])))),
    }
    if labels is not None:
        Y = np.zeros((n, C))
        Y[np.arange(n), y] = 1
        Qy, ry = projector_basis(Y - Y.mean(axis=0), E64, 0, 'labels')
        out['cumulativeQuality'] = (np.cumsum(np.sum((Qy.T @ Ue[:, :m]) ** 2, axis=0)) / ry).tolist()
    return {'value': out}


# ---- ESD (formulas §1) ----

def conv_slices(T, shape, layout):
    a, b, c, d = shape
    if layout == 'auto':
        layout = 'oihw' if a + b >= c + d else 'hwio'
    T = T.reshape(shape)
    if layout == 'oihw':
        return [T[:, :, i, j] for i in range(c) for j in range(d)], layout
    return [T[i, j, :, :] for i in range(a) for j in range(b)], layout


def o_esd(a):
    m = a['W']
    T, dt = mat({**m, 'shape': [int(np.prod(m['shape']))]})
    shape = m['shape']
    scale = mp.mpf(1)
    if len(shape) == 4:
        slices, _ = conv_slices(T, shape, a.get('layout', 'auto'))
        scale = mp.mpf(0.5)
    else:
        slices = [T.reshape(shape)]
    N, M = max(slices[0].shape), min(slices[0].shape)
    if a.get('normalize') == 'N':
        scale /= N
    s = np.concatenate([svals(S) for S in slices])
    smax = float(np.max(s))
    lmax = mp.mpf(smax) ** 2 * scale
    to_float(lmax, 'lambda_max')  # raises past float64's range
    evals = np.sort(np.array([float(mp.mpf(float(v)) ** 2 * scale) for v in s]))
    thr = a.get('threshold', 1e-5)
    return {'value': {'evals': evals.tolist(), 'N': N, 'M': M, 'lmax': float(lmax), 'below': {'lo': int(np.sum(evals <= thr * (1 - 1e-6))), 'hi': int(np.sum(evals <= thr * (1 + 1e-6)))}}}


# ---- norm metrics of an ESD (formulas §3, WeightWatcher's formulas) ----

def o_norms(a):
    ev = np.sort(np.asarray(a['evals'], dtype=np.float64))
    alpha, N, eps = (np.nan if a['alpha'] is None else a['alpha']), a['N'], a['eps']
    n = len(ev)
    lmax = ev[-1]
    total = mp.fsum([mp.mpf(float(v)) for v in ev])
    norm = to_float(total, 'norm')
    sv = np.sqrt(np.maximum(ev, 0))
    tol = sv.max() * N * eps
    lo, hi = int(np.sum(sv > 2 * tol)), int(np.sum(sv > 0.5 * tol))
    rank = int(np.sum(sv > tol))
    p = np.array([float(mp.mpf(float(v)) / total) for v in ev]) + 1e-10
    h = -np.sum(p * np.log(p))
    entropy = 0.0 if rank == 1 else float(h / np.log(rank + 1e-10))
    num, idx = 0, 0
    if n >= 2 and ev[0] < ev[-1]:
        lp = 0.0
        num, idx = n, 1
        for i in range(n - 1, 0, -1):
            lp += np.log(float(mp.mpf(float(ev[i])) * n / total))
            if lp < 0:
                num, idx = n - i, i
                break
    out = {
        'norm': norm,
        'logNorm': float(mp.log10(total)),
        'spectralNorm': float(lmax),
        'logSpectralNorm': float(np.log10(lmax)),
        'stableRank': float(total / mp.mpf(float(lmax))),
        'matrixRank': {'lo': lo, 'hi': hi},
        'entropy': entropy if lo == hi else None,
        'detXNum': num,
        'detXVal': float(ev[idx]) if n >= 2 else None,
    }
    if np.isfinite(alpha):
        out['alphaWeighted'] = float(alpha * np.log10(lmax))
        out['logAlphaNorm'] = float(mp.log10(mp.fsum([mp.mpf(float(v)) ** alpha for v in ev if v > 0])))
    return {'value': out}


FEATURES = {
    'collapse': o_collapse,
    'richness': o_richness,
    'esd': o_esd,
    'norms': o_norms,
}
