// JSON-aware mutations shared by the safetensors header and tfjs manifests: values a reader must refuse or
// survive (huge, negative, fractional, wrong types) put into shape, offsets, dtype and similar fields.

/** Numbers a size or offset field should never trust (JSON has no NaN/Infinity: 1e309 parses to Infinity). */
export const BAD_NUMBERS = [-1, -0.5, 0, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 1e300, -1e300, 1e-300];
const BAD_VALUES = [null, true, 'x', '1', '', [], {}, [[1]], { a: 1 }];

/** A bad dimension list: huge products, negatives, fractions, wrong types, many dims, zeros. */
export function badShape(r, shape) {
  const s = Array.isArray(shape) ? shape.slice() : [1, 1];
  switch (r.int(9)) {
    case 0: // one dimension huge
      if (s.length) s[r.int(s.length)] = r.pick(BAD_NUMBERS);
      return s;
    case 1: // the product overflows while each dimension is sane
      return [2 ** 20, 2 ** 20, 2 ** 20];
    case 2: // big but allocatable-looking: 3.6 GB of float32
      return [30000, 30000];
    case 3: // a zero dimension next to huge ones
      return [0, 2 ** 40, 2 ** 40];
    case 4:
      return r.pick([[], [1], [2 ** 31, 1], Array(64).fill(2), Array(1000).fill(1)]);
    case 5:
      if (s.length) s[r.int(s.length)] = r.pick(BAD_VALUES);
      return s;
    case 6:
      return r.pick(BAD_VALUES);
    case 7: // dims swapped or one removed/added: byte count may still match
      return r.chance(0.5) ? s.reverse() : r.chance(0.5) ? s.slice(1) : [...s, 1];
    default:
      if (s.length) s[r.int(s.length)] += r.pick([-1, 1]);
      return s;
  }
}

export function badNumber(r) {
  return r.chance(0.8) ? r.pick(BAD_NUMBERS) : r.pick(BAD_VALUES);
}

/** Deeply nested JSON (parsers and tree walks must not overflow the stack). */
export function deepJson(r) {
  const depth = r.pick([100, 5000, 200000]);
  return r.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

export const enc = (s) => new TextEncoder().encode(s);
export const dec = (b) => new TextDecoder('utf-8', { fatal: false }).decode(b);
