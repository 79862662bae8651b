"""numpy/scipy references for the metrics layer (rank, alignment, subspaces, balance, merging)."""
import numpy as np
import mpmath as mp
import scipy.linalg

from oracle_common import Undefined, eps_of, mat, svals, to_float, unit


def norm_mp(x):
    """‖x‖₂ as an mpmath number, exact in range: x scaled by an exact power of two first."""
    x = np.asarray(x, dtype=np.float64).ravel()
    m = float(np.max(np.abs(x))) if x.size else 0.0
    if m == 0:
        return mp.mpf(0)
    e = int(np.frexp(m)[1])
    xs = np.ldexp(x, -e)
    return mp.ldexp(mp.sqrt(mp.mpf(float(np.dot(xs, xs)))), e)


# ---- rank (formulas §8) ----

def rank_values(s, maxdim, eps):
    """Every rank metric of singular values s: {name: value or Undefined}."""
    s = np.sort(np.asarray(s, dtype=np.float64))[::-1]
    out = {}
    s0 = s[0]
    tol = mp.mpf(s0) * maxdim * eps
    out['numericalRank'] = {'lo': int(np.sum(s > float(tol) * 1.5)), 'hi': int(np.sum(s > float(tol) * 0.5))}
    if s0 == 0:
        zero = Undefined('E_DEGENERATE', 'zero matrix')
        for k in ('stableRank', 'effectiveRank', 'energyRank90', 'energyRank99', 'participationRatio'):
            out[k] = zero
        out['nuclearNorm'] = 0.0
        out['frobeniusNorm'] = 0.0
        out['spectralNorm'] = 0.0
        out['tol'] = 0.0
        return out
    u = s / s0
    out['stableRank'] = float(np.sum(u * u))
    p = u / np.sum(u)
    p = p[p > 0]
    out['effectiveRank'] = float(np.exp(-np.sum(p * np.log(p))))
    lam = u * u
    frac = np.cumsum(lam) / np.sum(lam)
    band = 32 * maxdim * eps
    for tau, k in ((0.9, 'energyRank90'), (0.99, 'energyRank99')):
        ok = [r + 1 for r in range(len(s)) if frac[r] >= tau - band and (r == 0 or frac[r - 1] < tau + band)]
        out[k] = {'set': ok or [len(s)]}
    out['participationRatio'] = float(np.sum(lam) ** 2 / np.sum(lam * lam))
    out['tol'] = float(tol)  # a threshold: it may underflow to 0 (then every σ > 0 counts), it cannot overflow here
    for k, v in (('nuclearNorm', mp.mpf(s0) * mp.mpf(float(np.sum(u)))), ('frobeniusNorm', mp.mpf(s0) * mp.sqrt(mp.mpf(float(np.sum(lam)))))):
        try:
            out[k] = to_float(v, k)
        except Undefined as e:
            out[k] = e
    out['spectralNorm'] = float(s0)
    return out


def rank_input(a):
    if 'A' in a:
        A, dt = mat(a['A'])
        return svals(A), max(A.shape), eps_of(dt)
    s = np.asarray(a['s'], dtype=np.float64)
    if s.size == 0:
        raise Undefined('E_SHAPE', 'no singular values')
    if np.any(s < 0):
        raise Undefined('E_SHAPE', 'negative singular value')
    shape = a.get('shape') or [len(s), len(s)]
    return s, max(shape), eps_of(a.get('dtype', 'float64'))


REPORT_ORDER = ['stableRank', 'numericalRank', 'tol', 'effectiveRank', 'energyRank90', 'energyRank99',
                'participationRatio', 'nuclearNorm', 'spectralNorm', 'frobeniusNorm']


def o_rank(a):
    v = rank_values(*rank_input(a))
    for k in REPORT_ORDER:  # the first undefined metric decides the error
        if isinstance(v[k], Undefined):
            raise v[k]
    return {'value': v}


def o_rank_one(a):
    v = rank_values(*rank_input(a))
    key = {'energyRank': 'energyRank90' if a.get('tau') == 0.9 else 'energyRank99'}.get(a['metric'], a['metric'])
    if isinstance(v[key], Undefined):
        raise v[key]
    return {'value': v[key]}


# ---- gradient alignment (§9) ----

def align_parts(w, g, lam):
    nw, ng = norm_mp(w), norm_mp(g)
    dot = float(np.dot(unit(w), unit(g)))  # cos = ⟨w/2^a, g/2^b⟩ / (‖w‖/2^a ‖g‖/2^b)
    cos = None
    if nw > 0 and ng > 0:
        cos = max(-1.0, min(1.0, dot / float(norm_mp(unit(w)) * norm_mp(unit(g)))))
    r = None
    if lam is not None:
        res = [mp.mpf(float(gi)) + mp.mpf(lam) * mp.mpf(float(wi)) for wi, gi in zip(w, g)]
        r = mp.sqrt(mp.fsum([x * x for x in res]))
    return nw, ng, cos, r, (dot, w, g)


def align_result(w, g, lam, degenerate):
    """cos, norms and residual of one parameter pair; `degenerate` (a message) when zero must be an error."""
    nw, ng, cos, r, _ = align_parts(w, g, lam)
    if degenerate and (nw == 0 or ng == 0):
        raise Undefined('E_DEGENERATE', degenerate)
    out = {'cos': cos, 'normW': to_float(nw, 'normW'), 'normG': to_float(ng, 'normG')}
    if lam is not None:
        out['residual'] = to_float(r / ng, 'residual') if ng > 0 else None
    return out


def o_alignment(a):
    lam = a.get('weightDecay')
    if 'Ws' not in a:
        return {'value': align_result(mat(a['W'])[0].ravel(), mat(a['G'])[0].ravel(), lam, 'W or G is zero')}
    Ws = [mat(m)[0].ravel() for m in a['Ws']]
    Gs = [mat(m)[0].ravel() for m in a['Gs']]
    layers = [align_result(w, g, lam, None) for w, g in zip(Ws, Gs)]
    total = align_result(np.concatenate(Ws), np.concatenate(Gs), lam, 'all W or all G zero')
    return {'value': {'layers': layers, 'total': total}}


# ---- principal angles, subspace overlap, layer alignment ----

def top_basis(A, dt, k, side, what):
    """Orthonormal basis (columns) of the top-k left/right singular subspace, and its conditioning."""
    if not np.any(A):
        raise Undefined('E_DEGENERATE', f'{what} is zero')
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    tol = s[0] * max(A.shape) * eps_of(dt)
    if s[k - 1] <= 2 * tol:
        raise Undefined('E_DEGENERATE', f'{what} has rank < k', either=bool(s[k - 1] > 0.5 * tol))
    gap = s[k - 1] - s[k] if k < len(s) else s[k - 1]
    if gap <= 2 * tol:
        raise Undefined('E_DEGENERATE', f'{what}: sigma_k = sigma_k+1', either=bool(gap > 0.5 * tol))
    B = U[:, :k] if side == 'left' else Vt[:k, :].T
    # Wedin: a perturbation of relative size max(m,n)·eps moves the subspace by about that over the gap.
    return B, max(A.shape) * eps_of(dt) * s[0] / gap


def angles_of(BA, BB):
    th = np.sort(scipy.linalg.subspace_angles(BA, BB))
    return th


def o_angles(a):
    A, da = mat(a['A'])
    B, db = mat(a['B'])
    side = a.get('side', 'left')
    dims = (A.shape[0], B.shape[0]) if side == 'left' else (A.shape[1], B.shape[1])
    if dims[0] != dims[1]:
        raise Undefined('E_SHAPE', 'vector lengths differ')
    kmax = min(*A.shape, *B.shape)
    k = a.get('k', kmax)
    if not (1 <= k <= kmax):
        raise Undefined('E_SHAPE', 'k out of range')
    BA, ca = top_basis(A, da, k, side, 'A')
    BB, cb = top_basis(B, db, k, side, 'B')
    th = angles_of(BA, BB)
    return {'value': {'angles': th.tolist(), 'cosines': np.cos(th).tolist(), 'overlap': float(np.mean(np.cos(th) ** 2)), 'sens': ca + cb}}


def o_layer_alignment(a):
    Wl, dl = mat(a['Wl'])
    Wn, dn = mat(a['Wn'])
    layout = a.get('layout', 'out-in')
    if layout == 'in-out':
        Wl, Wn = Wl.T, Wn.T
    if Wl.shape[0] != Wn.shape[1]:
        raise Undefined('E_SHAPE', 'outputs of W_l != inputs of W_next')
    kmax = min(*Wl.shape, *Wn.shape)
    k = a.get('k', 1)
    if not (1 <= k <= kmax):
        raise Undefined('E_SHAPE', 'k out of range')
    if not np.any(Wl) or not np.any(Wn):
        raise Undefined('E_DEGENERATE', 'zero layer')
    BL, ca = top_basis(Wl, dl, k, 'left', 'W_l')
    BN, cb = top_basis(Wn, dn, k, 'right', 'W_next')
    th = angles_of(BL, BN)
    top1 = abs(float(BL[:, 0] @ BN[:, 0]))
    return {'value': {'angles': th.tolist(), 'cosines': np.cos(th).tolist(), 'overlap': float(np.mean(np.cos(th) ** 2)), 'top1': top1, 'sens': ca + cb}}


# ---- balancedness ----

def o_balance(a):
    Ws = [mat(m)[0] for m in a['layers']]
    if a.get('layout', 'out-in') == 'in-out':
        Ws = [W.T for W in Ws]
    for l in range(len(Ws) - 1):
        if Ws[l + 1].shape[1] != Ws[l].shape[0]:
            raise Undefined('E_SHAPE', 'layer dims do not chain')
    sq = [norm_mp(W) ** 2 for W in Ws]
    imb = []
    for l in range(len(Ws) - 1):
        if sq[l] == 0:
            raise Undefined('E_DEGENERATE', f'layer {l} is zero')
        ea = int(np.frexp(np.max(np.abs(Ws[l + 1])))[1]) if np.any(Ws[l + 1]) else 0
        eb = int(np.frexp(np.max(np.abs(Ws[l])))[1])
        Wn, Wp = np.ldexp(Ws[l + 1], -ea), np.ldexp(Ws[l], -eb)
        Gn, Gp = Wn.T @ Wn, Wp @ Wp.T
        diff = [mp.ldexp(mp.mpf(float(x)), 2 * ea) - mp.ldexp(mp.mpf(float(y)), 2 * eb) for x, y in zip(Gn.ravel(), Gp.ravel())]
        num = mp.sqrt(mp.fsum([d * d for d in diff]))
        den = mp.ldexp(mp.sqrt(mp.mpf(float(np.sum(Gp * Gp)))), 2 * eb)
        imb.append(num / den)
    if all(v == 0 for v in sq):
        raise Undefined('E_DEGENERATE', 'every layer is zero')
    norms = [to_float(v, 'normsSq') for v in sq]
    mean = mp.fsum(sq) / len(sq)
    spread = float((max(sq) - min(sq)) / mean)
    return {'value': {'normsSq': norms, 'normsSqSpread': spread, 'imbalance': [to_float(v, 'imbalance') for v in imb]}}


# ---- merging ----

def o_orthogonality(a):
    XA, _ = mat(a['XA'])
    XB, _ = mat(a['XB'])
    if XA.shape[1] != XB.shape[1]:
        raise Undefined('E_SHAPE', 'feature counts differ')
    if not np.any(XA) or not np.any(XB):
        raise Undefined('E_DEGENERATE', 'zero input')
    ua, ub = unit(XA), unit(XB)
    return {'value': float(np.linalg.norm(ua @ ub.T) / (np.linalg.norm(ua) * np.linalg.norm(ub)))}


def o_merge(a):
    out = []
    for x, y in zip(a['A'], a['B']):
        X, dx = mat(x)
        Y, dy = mat(y)
        if X.shape != Y.shape:
            raise Undefined('E_SHAPE', 'shapes differ')
        if dx == dy == 'float32':
            s = X.astype(np.float32) + Y.astype(np.float32)
        else:
            s = X + Y
        if not np.all(np.isfinite(s)):
            raise Undefined('E_NONFINITE', 'the sum overflows')
        out.append(s.astype(np.float64).ravel().tolist())
    if len(a['A']) != len(a['B']):
        raise Undefined('E_SHAPE', 'layer counts differ')
    return {'value': out}


from oracle_features import FEATURES  # noqa: E402

METRICS = {
    'rank': o_rank,
    'rankSv': o_rank,
    'rankOne': o_rank_one,
    'alignment': o_alignment,
    'angles': o_angles,
    'layerAlignment': o_layer_alignment,
    'balance': o_balance,
    'orthogonality': o_orthogonality,
    'merge': o_merge,
    **FEATURES,
}
