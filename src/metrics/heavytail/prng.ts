// A small seeded PRNG for the shuffles of §5: xoshiro128** (Blackman & Vigna), 32-bit state words
// seeded through splitmix32, so a seed gives the same shuffle on every platform. WeightWatcher uses
// numpy's unseeded global generator; we take a seed instead.

import { fail } from '../../errors.js';

export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function xoshiro128(seed: number): Prng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c = (c ^ a) >>> 0;
    d = (d ^ b) >>> 0;
    b = (b ^ c) >>> 0;
    a = (a ^ d) >>> 0;
    c = (c ^ t) >>> 0;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992;
  return { nextU32, next };
}

/** Fisher–Yates shuffle of a copy of `src` (index bias ≤ n/2^53, negligible). */
export function shuffled<A extends Float32Array | Float64Array>(src: A, rng: Prng): A {
  if (!(src instanceof Float32Array || src instanceof Float64Array)) fail('E_DTYPE', 'shuffled: src must be a Float32Array or Float64Array');
  if (rng === null || typeof rng !== 'object' || typeof rng.next !== 'function') fail('E_OPTION', 'shuffled: rng must be a generator from xoshiro128(seed)');
  const a = src.slice() as A;
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
