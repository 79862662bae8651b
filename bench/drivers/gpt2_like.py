#!/usr/bin/env python3
"""A GPT-2-small-shaped F16 safetensors checkpoint for `npm run bench:model`, generated from a seed.

    gpt2_like.py --out FILE [--blocks 12] [--width 768] [--seed 2024]

Tensors (Hugging Face GPT-2 names and shapes; Conv1D weights are stored (in, out)); the shapes below are for
--width 768 (GPT-2 small); --width D scales every 768 to D (D = 2048 with 16 blocks: a 1B-parameter shape):
  wte.weight                 50257 x 768   (token embedding)
  h.{i}.attn.c_attn.weight     768 x 2304
  h.{i}.attn.c_proj.weight     768 x 768
  h.{i}.mlp.c_fc.weight        768 x 3072
  h.{i}.mlp.c_proj.weight     3072 x 768
  plus the 1-D biases and layer-norm vectors of each block and ln_f (skipped by both analysers).

"Trained-ish" weights: a Gaussian bulk with GPT-2's init scale (std 0.02) plus K rank-one spikes whose
strengths fall off as a power law, theta_k = 1.3 * edge * (K / k)^gamma, with edge = 0.02 (sqrt(r) + sqrt(c))
the top of the bulk's singular values. The eigenvalues above the bulk then follow lambda_k ~ k^(-2 gamma),
a power-law tail with alpha ~ 1 + 1 / (2 gamma): gamma in [0.25, 0.4] gives alpha ~ 2-4 like trained
transformer layers, so the power-law fits are meaningful (pure noise gives alpha ~ 10). gamma and K vary per
tensor, drawn from the seed. Every tensor has its own generator, numpy default_rng([seed, index]).

Prints one JSON line: {"file", "bytes", "tensors", "seconds"}.
"""
import argparse
import json
import struct
import time

import numpy as np

VOCAB = 50257


def layout(blocks, D_MODEL=768):
    """(name, shape) in file order; matrices and vectors as in a GPT-2 checkpoint."""
    out = [("wte.weight", (VOCAB, D_MODEL))]
    for i in range(blocks):
        p = f"h.{i}."
        out += [
            (p + "ln_1.weight", (D_MODEL,)),
            (p + "ln_1.bias", (D_MODEL,)),
            (p + "attn.c_attn.weight", (D_MODEL, 3 * D_MODEL)),
            (p + "attn.c_attn.bias", (3 * D_MODEL,)),
            (p + "attn.c_proj.weight", (D_MODEL, D_MODEL)),
            (p + "attn.c_proj.bias", (D_MODEL,)),
            (p + "ln_2.weight", (D_MODEL,)),
            (p + "ln_2.bias", (D_MODEL,)),
            (p + "mlp.c_fc.weight", (D_MODEL, 4 * D_MODEL)),
            (p + "mlp.c_fc.bias", (4 * D_MODEL,)),
            (p + "mlp.c_proj.weight", (4 * D_MODEL, D_MODEL)),
            (p + "mlp.c_proj.bias", (D_MODEL,)),
        ]
    out += [("ln_f.weight", (D_MODEL,)), ("ln_f.bias", (D_MODEL,))]
    return out


def tensor(shape, rng):
    if len(shape) == 1:
        return (1.0 + 0.05 * rng.standard_normal(shape[0])).astype(np.float32)
    r, c = shape
    w = rng.standard_normal((r, c), dtype=np.float32)
    w *= 0.02
    k = int(rng.integers(64, 193))
    gamma = float(rng.uniform(0.25, 0.4))
    edge = 0.02 * (np.sqrt(r) + np.sqrt(c))
    theta = 1.3 * edge * (k / np.arange(1, k + 1)) ** gamma
    u = rng.standard_normal((r, k), dtype=np.float32) / np.float32(np.sqrt(r))
    v = rng.standard_normal((c, k), dtype=np.float32) / np.float32(np.sqrt(c))
    w += (u * theta.astype(np.float32)) @ v.T
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--blocks", type=int, default=12)
    ap.add_argument("--width", type=int, default=768)
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    t0 = time.perf_counter()
    items = layout(a.blocks, a.width)
    header, offset = {}, 0
    for name, shape in items:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "F16", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    header["__metadata__"] = {"format": "pt", "generator": f"bench/drivers/gpt2_like.py --blocks {a.blocks} --width {a.width} --seed {a.seed}"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # data starts 8-byte aligned, as the reference writer does
    with open(a.out, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for index, (name, shape) in enumerate(items):
            w = tensor(shape, np.random.default_rng([a.seed, index]))
            f.write(w.astype("<f2").tobytes())
    print(json.dumps({"file": a.out, "bytes": 8 + len(text) + offset, "tensors": len(items), "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()
