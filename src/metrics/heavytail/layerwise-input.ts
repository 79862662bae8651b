// Shared validation for the layer-wise assignment functions of formulas.md §7.
import { fail } from '../../errors.js';

export function checkLayers<T>(layers: unknown, fn: string): T[] {
  if (!Array.isArray(layers)) fail('E_DTYPE', `${fn}: layers must be an array`);
  layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object') fail('E_DTYPE', `${fn}: layers[${i}] must be an object`);
    const a = (l as { alpha?: unknown }).alpha;
    if (typeof a !== 'number') fail('E_DTYPE', `${fn}: layers[${i}].alpha must be a number (NaN for a failed fit), got ${typeof a}`);
  });
  return layers as T[];
}

export function checkPositive(v: unknown, name: string, fn: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail('E_OPTION', `${fn}: ${name} must be a finite number > 0, got ${String(v)}`);
  return v;
}

/** Mean α per block key over layers with a finite α; layers without a block are their own block. */
export function blockMeans(layers: { alpha: number; block?: string | number }[]): { key: string; mean: number }[] {
  const keys = layers.map((l, i) => (l.block === undefined ? `#${i}` : `b:${String(l.block)}`));
  const acc = new Map<string, { s: number; c: number }>();
  layers.forEach((l, i) => {
    const e = acc.get(keys[i]) ?? { s: 0, c: 0 };
    if (Number.isFinite(l.alpha)) {
      e.s += l.alpha;
      e.c++;
    }
    acc.set(keys[i], e);
  });
  return keys.map((key) => {
    const e = acc.get(key) as { s: number; c: number };
    return { key, mean: e.c > 0 ? e.s / e.c : NaN };
  });
}
