// The parts of TFLite's schema.fbs a weight reader needs, read into plain objects: Model { operator_codes,
// subgraphs, buffers }, SubGraph { tensors, operators, name }, Tensor { shape, type, buffer, name,
// quantization { scale, zero_point, quantized_dimension } }, Operator { opcode_index, inputs, outputs },
// Buffer { data | offset, size }. Field numbers are the schema's (vtable slots, in declaration order).
import type { ByteSource } from '../bytes.js';
import { FlatReader, type Table } from './flatbuffer.js';

/** TensorType values (schema.fbs). */
export const TENSOR_TYPES: Record<number, string> = {
  0: 'FLOAT32', 1: 'FLOAT16', 2: 'INT32', 3: 'UINT8', 4: 'INT64', 5: 'STRING', 6: 'BOOL', 7: 'INT16', 8: 'COMPLEX64',
  9: 'INT8', 10: 'FLOAT64', 11: 'COMPLEX128', 12: 'UINT64', 13: 'RESOURCE', 14: 'VARIANT', 15: 'UINT32', 16: 'UINT16',
  17: 'INT4', 18: 'BFLOAT16',
};

/** BuiltinOperator codes of the ops whose constant inputs are weights. */
export const OP = {
  CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6, EMBEDDING_LOOKUP: 7, FULLY_CONNECTED: 9, LSTM: 16, GATHER: 36,
  UNIDIRECTIONAL_SEQUENCE_LSTM: 44, BIDIRECTIONAL_SEQUENCE_LSTM: 52, TRANSPOSE_CONV: 67, BATCH_MATMUL: 126,
} as const;
export const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  buffer: number;
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteOperator {
  op: number;
  inputs: number[];
  outputs: number[];
}

export interface TfliteSubgraph {
  name: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
}

/** Where a buffer's bytes are in the file (absent: no data, e.g. an activation). */
export interface BufferRange {
  offset: number;
  size: number;
}

export interface TfliteModel {
  version: number;
  subgraphs: TfliteSubgraph[];
  buffers: (BufferRange | null)[];
}

function tensor(t: Table, index: number): TfliteTensor {
  const q = t.table(4);
  return {
    index,
    shape: t.ints(0),
    type: t.u8(1),
    buffer: t.u32(2),
    name: t.string(3) ?? `tensor_${index}`,
    scale: q ? q.floats(2) : [],
    zeroPoint: q ? q.longs(3) : [],
    quantizedDimension: q ? q.i32(6) : 0,
  };
}

/** Reads the model's structure (no weight bytes). */
export function readTfliteModel(src: ByteSource): TfliteModel {
  const r = new FlatReader(src, src.name);
  if (src.size < 8 || new TextDecoder().decode(r.bytes(4, 4)) !== 'TFL3') r.fail("no 'TFL3' file identifier");
  const m = r.root();
  const codes = m.tables(1).map((c) => Math.max(c.u8(0), c.i32(3)));
  const buffers = m.tables(4).map((b): BufferRange | null => {
    const big = b.u64(1);
    if (big > 1) {
      // data stored after the flatbuffer (models past 2 GB): offset from the start of the file
      const size = b.u64(2);
      if (big + size > src.size) r.fail(`buffer at offset ${big} (+${size}) runs past the end of the file`);
      return { offset: big, size };
    }
    const v = b.vector(0, 1);
    return v.length > 0 ? { offset: v.start, size: v.length } : null;
  });
  const subgraphs = m.tables(2).map((g, gi) => ({
    name: g.string(4) ?? `subgraph_${gi}`,
    tensors: g.tables(0).map(tensor),
    operators: g.tables(3).map((o) => {
      const idx = o.u32(0);
      if (idx >= codes.length) r.fail(`operator opcode_index ${idx} but ${codes.length} operator codes`);
      return { op: codes[idx], inputs: o.ints(1), outputs: o.ints(2) };
    }),
  }));
  return { version: m.u32(0), subgraphs, buffers };
}
