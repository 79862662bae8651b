#!/usr/bin/env python3
"""numpy/scipy side of `npm run bench` (started by bench/run.mjs, one process per trial).

  numpy_driver.py info     --threads T
  numpy_driver.py time     --threads T --sizes 512,4096x1024 --dtype f64 --competitor numpy|scipy-gesdd
                           [--seed S --target-ms 3000 --min-reps 3 --max-reps 21]
  numpy_driver.py illcond  --threads T --n 4096 --smin 1e-8 --smax 1 --seed S --out PREFIX

Threads: the runner sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS; --threads sets them too (before numpy
is imported) so a hand-run driver behaves the same. Each command prints one JSON line on stdout.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time


def set_thread_env(threads):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        r, _, c = part.strip().lower().partition("x")
        sizes.append((int(r), int(c or r)))
    return sizes


def openblas_runtime():
    """Threads/config of every OpenBLAS loaded in this process (threadpoolctl if present, else ctypes)."""
    try:
        import threadpoolctl

        return [
            {k: info.get(k) for k in ("internal_api", "prefix", "filepath", "version", "num_threads", "threading_layer", "architecture")}
            for info in threadpoolctl.threadpool_info()
        ]
    except ImportError:
        pass
    found = []
    with open("/proc/self/maps") as maps:
        paths = sorted({f[-1] for f in (line.split() for line in maps) if "openblas" in os.path.basename(f[-1]).lower() and ".so" in f[-1]})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        entry = {"filepath": path, "source": "ctypes"}
        # scipy-openblas wheels prefix the symbols (scipy_) and the ILP64 build suffixes them (64_).
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_"):
                try:
                    get_threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")
                    get_config = getattr(lib, f"{prefix}openblas_get_config{suffix}")
                    get_core = getattr(lib, f"{prefix}openblas_get_corename{suffix}")
                except AttributeError:
                    continue
                get_config.restype = ctypes.c_char_p
                get_core.restype = ctypes.c_char_p
                entry.update(num_threads=get_threads(), config=get_config().decode().strip(), corename=get_core().decode())
        found.append(entry)
    return found


def info(args):
    import numpy as np

    out = {"python": sys.version.split()[0], "numpy": np.__version__, "threads_requested": args.threads}
    try:
        out["numpy_blas"] = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception as e:  # older numpy: no dict mode
        out["numpy_blas"] = {"error": str(e)}
    try:
        import scipy
        import scipy.linalg  # noqa: F401  (loads scipy's own OpenBLAS)

        out["scipy"] = scipy.__version__
        try:
            out["scipy_blas"] = scipy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        except Exception as e:
            out["scipy_blas"] = {"error": str(e)}
    except ImportError:
        out["scipy"] = None
    out["openblas_runtime"] = openblas_runtime()
    out["env"] = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return out


def reps_after(warm_ms, target_ms, min_reps, max_reps, warmup):
    # Same policy as bench/lib/stats.mjs repsAfter.
    if warmup == "small":
        return min_reps
    want = -(-target_ms // max(warm_ms, 1e-3))
    return int(min(max_reps, max(min_reps, want)))


SMALL_WARMUP = 256  # bench/lib/stats.mjs SMALL_WARMUP


def time_one(args, rows, cols):
    import numpy as np

    dtype = np.float32 if args.dtype == "f32" else np.float64
    rng = np.random.default_rng(args.seed)
    a = rng.standard_normal((rows, cols), dtype=dtype)  # C order, like weightscope's row-major input
    if args.competitor == "numpy":
        fn = lambda m: np.linalg.svd(m, compute_uv=False)
    elif args.competitor == "scipy-gesdd":
        import scipy.linalg as sl

        # = scipy.linalg.svdvals(m) (which is svd(compute_uv=False) with the default driver gesdd),
        # without the finiteness pre-scan; overwrite_a=False so every repeat sees the same matrix.
        fn = lambda m: sl.svd(m, compute_uv=False, lapack_driver="gesdd", check_finite=False, overwrite_a=False)
    else:
        raise SystemExit(f"unknown competitor {args.competitor}")
    warmup = "small" if rows * cols * min(rows, cols) > 2048**3 else "full"
    warm_input = rng.standard_normal((SMALL_WARMUP, SMALL_WARMUP), dtype=dtype) if warmup == "small" else a
    t0 = time.perf_counter()
    fn(warm_input)
    warm_ms = (time.perf_counter() - t0) * 1e3
    reps = reps_after(warm_ms, args.target_ms, args.min_reps, args.max_reps, warmup)
    times = []
    s = None
    for _ in range(reps):
        t0 = time.perf_counter()
        s = fn(a)
        times.append((time.perf_counter() - t0) * 1e3)
    assert s.dtype == dtype, f"{args.competitor} returned {s.dtype} for {dtype}"
    return {
        "rows": rows,
        "cols": cols,
        "dtype": args.dtype,
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "reps": reps,
        "times_ms": times,
        "warmup": warmup,
        "warmup_ms": warm_ms,
        "warmup_size": SMALL_WARMUP if warmup == "small" else None,
        "check": {"sigma_max": float(s.max()), "sigma_sum": float(s.sum(dtype=np.float64)), "count": int(s.size)},
    }


def time_cmd(args):
    results = [time_one(args, r, c) for r, c in parse_sizes(args.sizes)]
    return {"competitor": args.competitor, "results": results, "openblas_runtime": openblas_runtime()}


def illcond(args):
    """A = U diag(s) V^T, U and V Haar-random orthogonal (QR of Gaussians, signs fixed), s logspace(smax..smin)."""
    import numpy as np

    rng = np.random.default_rng(args.seed)
    n = args.n

    def haar():
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.sign(np.diag(r))

    s = np.logspace(np.log10(args.smax), np.log10(args.smin), n)
    a = np.ascontiguousarray((haar() * s) @ haar().T)
    a.astype("<f8").tofile(args.out + ".f64")
    s.astype("<f8").tofile(args.out + ".sigma.f64")
    return {"n": n, "smin": args.smin, "smax": args.smax, "seed": args.seed, "matrix": args.out + ".f64", "sigma": args.out + ".sigma.f64"}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("info", "time", "illcond"):
        sp = sub.add_parser(name)
        sp.add_argument("--threads", type=int, required=True)
        sp.add_argument("--seed", type=int, default=12345)
    t = sub.choices["time"]
    t.add_argument("--sizes", required=True)
    t.add_argument("--dtype", choices=("f32", "f64"), required=True)
    t.add_argument("--competitor", choices=("numpy", "scipy-gesdd"), required=True)
    t.add_argument("--target-ms", type=float, default=3000)
    t.add_argument("--min-reps", type=int, default=3)
    t.add_argument("--max-reps", type=int, default=21)
    ic = sub.choices["illcond"]
    ic.add_argument("--n", type=int, required=True)
    ic.add_argument("--smin", type=float, default=1e-8)
    ic.add_argument("--smax", type=float, default=1.0)
    ic.add_argument("--out", required=True)
    args = p.parse_args()
    set_thread_env(args.threads)
    out = {"info": info, "time": time_cmd, "illcond": illcond}[args.cmd](args)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
