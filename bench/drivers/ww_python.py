#!/usr/bin/env python3
"""The Python side of `npm run bench:model`: what WeightWatcher's analyze() does per layer, in numpy/scipy only.

    ww_python.py --model FILE.safetensors --threads T [--max-n 50000]

Per 2-D tensor (in file order, streamed: one tensor in memory at a time):
  1. read its bytes at the header's offsets, numpy frombuffer, F16/BF16/F32 -> float64 (WW works in f64);
  2. WW's size limits: skip when M = min(shape) < 10 or > 15000, or N = max(shape) > maxN (default 50000);
  3. singular values: scipy.linalg.svd(W, compute_uv=False) in f64 (gesdd, on the CPU, as WW's fallback);
     eigenvalues lambda = sigma^2;
  4. power-law fit (formulas.md section 2): lambda <= 1e-5 dropped; for every xmin candidate but the last,
     alpha by MLE and the KS distance D with a Python loop over candidates, vectorised over the tail (the
     O(n^2) scan of WW's WWFit); first argmin of D;
  5. norm metrics (section 3) and rank metrics (section 8), cheap closed forms on the eigenvalues;
  6. Marchenko-Pastur fit (section 4): the numpy re-implementation of WW's fit from
     test/fixtures/heavytail/make_heavytail.py (copied below; checked there against recorded WW 0.7.5.5 values).

The timer starts after the imports (numpy/scipy load is reported apart as import_s) and covers header
parsing, reading, decoding and every metric. Prints one JSON line with the per-layer results, the
analysis time and VmHWM (peak RSS) read from /proc/self/status at the end.
"""
import argparse
import json
import os
import struct
import sys
import time

T_START = time.perf_counter()


def set_thread_env(threads):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


EVALS_THRESH = 1e-5
MIN_EVALS, MAX_EVALS = 10, 15000
DTYPES = {"F16": "<f2", "F32": "<f4", "F64": "<f8"}


def read_header(f):
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return header, 8 + n


def read_tensor(f, base, entry, np):
    begin, end = entry["data_offsets"]
    f.seek(base + begin)
    raw = f.read(end - begin)
    dt = entry["dtype"]
    if dt == "BF16":  # bfloat16 = the upper half of a float32
        u = np.frombuffer(raw, "<u2").astype(np.uint32) << 16
        return u.view(np.float32).astype(np.float64).reshape(entry["shape"])
    return np.frombuffer(raw, DTYPES[dt]).astype(np.float64).reshape(entry["shape"])


def powerlaw_fit(evals, np):
    """formulas.md section 2, xmin by the KS scan: the naive loop over candidates (WW's WWFit)."""
    x = np.sort(evals[evals > EVALS_THRESH])
    n = len(x)
    if n < 2:
        return None
    log_x = np.log(x)
    alphas = np.full(n - 1, np.nan)
    Ds = np.ones(n - 1)
    for i in range(n - 1):
        k = n - i
        denom = np.sum(log_x[i:]) - k * log_x[i]
        if denom <= 0:
            continue
        a = 1.0 + k / denom
        alphas[i] = a
        if a > 1:
            Ds[i] = np.max(np.abs(1.0 - (x[i:] / x[i]) ** (1.0 - a) - np.arange(k) / k))
    i = int(np.argmin(Ds))
    a = float(alphas[i])
    return {"alpha": a, "D": float(Ds[i]), "xmin": float(x[i]), "xmax": float(x[-1]),
            "sigma": (a - 1) / np.sqrt(n - i), "num_pl_spikes": int(n - i), "num_evals_fit": int(n)}


def norm_and_rank_metrics(sv, evals, alpha, N, np):
    """formulas.md sections 3 and 8 (sv descending, evals = sv^2)."""
    lam_max = float(evals.max())
    total = float(evals.sum())
    eps = np.finfo(np.float64).eps
    rank = int(np.sum(sv > sv[0] * N * eps))
    p = evals / total
    entropy = float(-np.sum(p * np.log(p + 1e-10)) / np.log(rank)) if rank > 1 else float("nan")
    ps = sv / sv.sum()
    ps = ps[ps > 0]
    energy = np.cumsum(evals) / total
    return {
        "norm": total, "log_norm": float(np.log10(total)), "spectral_norm": lam_max,
        "log_spectral_norm": float(np.log10(lam_max)), "alpha_weighted": alpha * float(np.log10(lam_max)),
        "log_alpha_norm": float(np.log10(np.sum(evals ** alpha))), "stable_rank": total / lam_max,
        "matrix_rank": rank, "entropy": entropy,
        "effective_rank": float(np.exp(-np.sum(ps * np.log(ps)))),
        "participation_ratio": total ** 2 / float(np.sum(evals ** 2)),
        "energy_rank_90": int(np.searchsorted(energy, 0.9) + 1),
    }


# --- WW's Marchenko-Pastur fit, copied from test/fixtures/heavytail/make_heavytail.py (our own code) ---

def kde_linear(v, xs, h, np):
    # sklearn KernelDensity(kernel='linear', bandwidth=h): (1/(n h)) sum max(0, 1 - |x - v|/h)
    return np.maximum(0, 1 - np.abs(xs[:, None] - v[None, :]) / h).sum(1) / (len(v) * h)


def mp_resid(p, xde, yde, Q):
    import numpy as np

    s = float(np.ravel(p)[0])
    with np.errstate(all="ignore"):
        if Q == 1:
            ymp = np.nan_to_num((1 / (np.pi * s * s)) * np.sqrt(4 - xde ** 2))
            return np.sum((ymp - yde) ** 2)
        b = np.power(s * (1 + np.sqrt(1 / Q)), 2)
        a = np.power(s * (1 - np.sqrt(1 / Q)), 2)
        ymp = np.nan_to_num((1 / (2 * np.pi * s * s * xde * (1 / Q))) * np.sqrt((b - xde) * (xde - a)))
    peak = xde[np.where(yde == max(yde))[0][0]]
    if b < peak or b > max(xde) or a > peak:
        return np.sum((np.zeros(len(yde)) + 1000) ** 2)
    return np.sum((ymp - yde) ** 2)


def ww_mp_fit(evals, Q, M, np, optimize):
    evals = np.sort(evals)
    wscale = np.sqrt(len(evals)) / np.sqrt(np.sum(evals))
    x = (wscale * wscale) * evals
    to_fit = np.sqrt(x) if Q == 1 else x
    xde = np.linspace(0, np.max(to_fit) + 0.5, 1000)
    yde = kde_linear(to_fit, xde, 0.1, np)
    good = yde > 0.01
    xde, yde = xde[good], yde[good]
    sf = np.sqrt(np.max(x) / np.square(1 + 1.0 / np.sqrt(Q)))
    s1 = optimize.brute(mp_resid, (slice(0.05 * sf, 2.0 * sf, 0.01 * sf),), args=(xde, yde, Q), full_output=True)[0]
    s1 = float(np.ravel(s1)[0])
    bmax = (s1 * (1 + 1 / np.sqrt(Q))) ** 2
    bmin = (s1 * (1 - 1 / np.sqrt(Q))) ** 2
    tw = 1 / np.sqrt(Q) * np.power(bmax, 2 / 3) * np.power(M, -2 / 3)
    return dict(sigma_mp=s1, num_spikes=int(np.sum(x > bmax + np.sqrt(tw))), mp_softrank=bmax / np.max(x),
                bulk_max=bmax / wscale ** 2, bulk_min=bmin / wscale ** 2)

# --- end of the copy ---


def vm_hwm_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--max-n", type=float, default=50000)
    a = ap.parse_args()
    set_thread_env(a.threads)  # before numpy loads OpenBLAS
    import numpy as np
    import scipy
    import scipy.linalg
    from scipy import optimize

    t0 = time.perf_counter()
    import_s = t0 - T_START
    layers, skipped = [], []
    with open(a.model, "rb") as f:
        header, base = read_header(f)
        for name, entry in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
            shape = entry["shape"]
            if len(shape) != 2:
                skipped.append({"name": name, "reason": f"{len(shape)}-D tensor"})
                continue
            N, M = max(shape), min(shape)
            if M < MIN_EVALS or M > MAX_EVALS or N > a.max_n:
                skipped.append({"name": name, "reason": f"N = {N}, M = {M} outside the limits (maxN = {a.max_n:g})"})
                continue
            t_layer = time.perf_counter()
            W = read_tensor(f, base, entry, np)
            sv = scipy.linalg.svd(W, compute_uv=False)
            del W
            evals = sv ** 2
            fit = powerlaw_fit(evals, np)
            row = {"name": name, "shape": shape, "N": N, "M": M}
            if fit is None:
                row["status"] = "failed"
            else:
                row.update(status="success", **fit, **norm_and_rank_metrics(sv, evals, fit["alpha"], N, np))
                row.update(ww_mp_fit(evals, N / M, M, np, optimize))
            row["seconds"] = time.perf_counter() - t_layer
            layers.append(row)
    analysis_s = time.perf_counter() - t0
    print(json.dumps({
        "side": "python", "python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
        "threads": a.threads, "import_s": import_s, "analysis_s": analysis_s, "vm_hwm_kb": vm_hwm_kb(),
        "layers": layers, "skipped": skipped,
    }))


if __name__ == "__main__":
    main()
