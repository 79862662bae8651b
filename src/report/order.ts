// Depth order of layers: by `layerId` (model order, when the reader gives one), otherwise by a natural
// compare of the names, so that h.2 comes before h.10 and layer order survives lexicographic storage.

/** Compares names chunk by chunk: runs of digits as numbers (any length), the rest as text. */
export function naturalCompare(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      // compare as integers without parsing (digit runs may be longer than a double holds)
      const sx = x.replace(/^0+(?=\d)/, '');
      const sy = y.replace(/^0+(?=\d)/, '');
      if (sx.length !== sy.length) return sx.length - sy.length;
      if (sx !== sy) return sx < sy ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // '01' after '1'
      continue;
    }
    return x < y ? -1 : 1;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The reader's model-order index of a layer, when it has one. */
export function layerIdOf(layer: object): number | undefined {
  const id = (layer as { layerId?: unknown }).layerId;
  return typeof id === 'number' && Number.isFinite(id) ? id : undefined;
}

/** Layers in depth order (a copy): by layerId when every layer has one, else by natural name order. */
export function depthOrder<T extends { name: string }>(layers: readonly T[]): T[] {
  if (layers.length > 0 && layers.every((l) => layerIdOf(l) !== undefined))
    return [...layers].sort((a, b) => layerIdOf(a)! - layerIdOf(b)! || naturalCompare(a.name, b.name));
  return [...layers].sort((a, b) => naturalCompare(a.name, b.name));
}
