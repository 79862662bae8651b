// Depth order of layers: by `layerId` (model order, when the reader gives one), otherwise by a natural
// compare of the names, so that h.2 comes before h.10 and layer order survives lexicographic storage.
import { naturalCompare } from '../model/order.js';

export { naturalCompare };

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
