// Seeded PRNG for the fuzz campaign: every input is rebuilt from (seed, format, index) alone, so a finding
// is reproduced with `--seed S --only FORMAT:INDEX`.

/** mulberry32: 32-bit state, good enough to pick mutation operators and positions. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    /** integer in [0, n) */
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    /** a position in [0, len): half the time inside the first `head` bytes, where the structure is */
    pos: (len, head = 4096) => (len === 0 ? 0 : next() < 0.5 ? Math.floor(next() * Math.min(len, head)) : Math.floor(next() * len)),
  };
  return r;
}

/** Mixes (seed, format, index) into one 32-bit seed (FNV-1a over the text). */
export function inputSeed(seed, format, index) {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${format}:${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
