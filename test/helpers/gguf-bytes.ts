// A minimal GGUF byte builder for malformed-file tests (valid files come from gguf-py's writer:
// test/fixtures/gguf/generate_gguf.py). Every field can be set to a hostile value.
export type Kv = { key: string; type: number; value: Uint8Array };
export type TensorSpec = { name: string; ne: (number | bigint)[]; type: number; offset: number | bigint; nDims?: number };

export const u32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
export const u64 = (v: number | bigint): Uint8Array => new Uint8Array(new BigUint64Array([BigInt(v)]).buffer);
export const str = (s: string, len?: number | bigint): Uint8Array => {
  const b = new TextEncoder().encode(s);
  return cat(u64(len ?? b.length), b);
};
export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

export interface GgufParts {
  version?: number;
  nTensors?: number | bigint;
  nKv?: number | bigint;
  kv?: Kv[];
  tensors?: TensorSpec[];
  alignment?: number;
  /** Bytes of the data section (after alignment padding). */
  data?: Uint8Array;
}

export function gguf(p: GgufParts): Uint8Array {
  const kv = p.kv ?? [];
  const tensors = p.tensors ?? [];
  const head = cat(
    new TextEncoder().encode('GGUF'),
    u32(p.version ?? 3),
    u64(p.nTensors ?? tensors.length),
    u64(p.nKv ?? kv.length),
    ...kv.map((e) => cat(str(e.key), u32(e.type), e.value)),
    ...tensors.map((t) => cat(str(t.name), u32(t.nDims ?? t.ne.length), ...t.ne.map(u64), u32(t.type), u64(t.offset))),
  );
  const align = p.alignment ?? 32;
  const pad = new Uint8Array((align - (head.length % align)) % align);
  return cat(head, pad, p.data ?? new Uint8Array(0));
}

/** A valid one-tensor file: 'blk.0.attn_q.weight', F32 (rows × cols), data i·0.5. */
export function validF32(rows = 4, cols = 8): Uint8Array {
  const data = new Float32Array(rows * cols).map((_, i) => i * 0.5);
  return gguf({ tensors: [{ name: 'blk.0.attn_q.weight', ne: [cols, rows], type: 0, offset: 0 }], data: new Uint8Array(data.buffer) });
}
