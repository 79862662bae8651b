// Recognising quantized ONNX weights from the graph: which node consumes which initializer.
//   DequantizeLinear(x, x_scale, x_zero_point; axis, block_size) (QDQ): x an initializer -> a quantized weight,
//     oriented by the consumer of the DequantizeLinear output; w = (x − zp)·scale per tensor, per axis or per block.
//     Gather(x_q, ids) -> DequantizeLinear (onnxruntime's quantized embeddings): x_q is the weight.
//   MatMulInteger(A, B, a_zp, b_zp) / ConvInteger(x, w, x_zp, w_zp) (onnxruntime quantize_dynamic): the weight's
//     scale is not an input: the integer output goes through Cast to a Mul by (a_scale · w_scale), so w_scale is
//     the float initializer of that Mul or of the Mul producing its other input.
//   QLinearMatMul / QLinearConv: the weight at input 3, its scale and zero point at 4 and 5.
//   MatMulNBits (com.microsoft; K, N, bits, block_size): B uint8 (N, blocks, blob), scales, zero_points packed
//     (or float), w (N, K) = (q − zp)·scale per block of `block_size` along K.
// Every scale / zero point initializer of these ops (activation ones too) is a side tensor, never a weight.
import type { OnnxNode } from '../onnx-proto.js';
import { consumer, type Def, type Found, type Use } from '../onnx-graph.js';

export interface OnnxQuantWeight {
  q: Found;
  scheme: string;
  op: 'affine' | 'nbits';
  scale?: Found;
  zp?: Found;
  /** affine: the scale axis (undefined: per tensor), and block size along it (0: none). */
  axis?: number;
  blockSize: number;
  /** The use that orients the weight (the consumer of the dequantized value). */
  orientUse?: Use;
  /** Gather -> DequantizeLinear: an embedding. */
  embedding?: boolean;
  node: OnnxNode;
  /** Why it cannot be dequantized (when set). */
  why?: string;
}

export interface OnnxQuant {
  weights: Map<Found, OnnxQuantWeight>;
  side: Map<Found, { weight: string; role: string; scheme: string }>;
}

function attr(node: OnnxNode, name: string): number | undefined {
  return node.attributes.find((a) => a.name === name)?.i;
}

/** Collects what is needed while the graph is walked (pass `onNode` to collect()), then recognises. */
export class OnnxQuantCollector {
  private readonly nodes: { node: OnnxNode; inputs: (Def | undefined)[]; outputs: Def[] }[] = [];
  private readonly producer = new Map<Def, { node: OnnxNode; inputs: (Def | undefined)[] }>();
  readonly onNode = (node: OnnxNode, inputs: (Def | undefined)[], outputs: Def[]): void => {
    if (QUANT_NODES.has(node.opType) || node.opType === 'Mul' || node.opType === 'Gather') {
      this.nodes.push({ node, inputs, outputs });
      for (const o of outputs) this.producer.set(o, { node, inputs });
    }
  };

  recognize(found: readonly Found[]): OnnxQuant {
    const byDef = new Map<Def, Found>();
    for (const f of found) byDef.set(f.def, f);
    const out: OnnxQuant = { weights: new Map(), side: new Map() };
    const f = (d: Def | undefined): Found | undefined => (d ? byDef.get(d) : undefined);
    const side = (s: Found | undefined, role: string, weight: string, scheme: string): void => {
      if (s && !out.weights.has(s) && !out.side.has(s)) out.side.set(s, { weight, role, scheme });
    };
    const weight = (w: OnnxQuantWeight): void => {
      if (!out.weights.has(w.q)) out.weights.set(w.q, w);
      out.side.delete(w.q);
    };
    for (const { node, inputs, outputs } of this.nodes) {
      const op = node.opType;
      if (op === 'DequantizeLinear' || op === 'QuantizeLinear') {
        let q = f(inputs[0]);
        let embedding = false;
        const via = inputs[0] ? this.producer.get(inputs[0]) : undefined;
        if (!q && op === 'DequantizeLinear' && via?.node.opType === 'Gather') {
          q = f(via.inputs[0]);
          embedding = !!q;
        }
        const weightName = q && op === 'DequantizeLinear' ? q.name : node.inputs[0];
        const scheme = op === 'DequantizeLinear' ? (embedding ? 'ONNX Gather + DequantizeLinear' : 'ONNX QDQ DequantizeLinear') : 'ONNX QuantizeLinear (activation)';
        if (q && op === 'DequantizeLinear') {
          const blockSize = attr(node, 'block_size') ?? 0;
          const axis = attr(node, 'axis') ?? 1;
          weight({
            q, scheme, op: 'affine', scale: f(inputs[1]), zp: f(inputs[2]), axis, blockSize, node, embedding,
            orientUse: embedding ? undefined : consumer(outputs[0]),
            ...(embedding && axis !== 1 && axis !== -1 ? { why: `Gather output axis ${axis}` } : {}),
          });
        }
        side(f(inputs[1]), op === 'DequantizeLinear' && q ? 'scale' : 'activation scale', weightName, scheme);
        side(f(inputs[2]), op === 'DequantizeLinear' && q ? 'zero point' : 'activation zero point', weightName, scheme);
      } else if (op === 'MatMulInteger' || op === 'ConvInteger') {
        const q = f(inputs[1]);
        const scheme = `ONNX ${op} (dynamic quantization)`;
        const scales = this.integerScales(outputs[0], f);
        // quantize_dynamic's quantized embedding: Gather(x_q) feeds input 0, with x_q's zero point at input 2
        const via = inputs[0] ? this.producer.get(inputs[0]) : undefined;
        const emb = via?.node.opType === 'Gather' ? f(via.inputs[0]) : undefined;
        if (emb && !out.weights.has(emb)) {
          const es = `ONNX Gather + ${op} (dynamic quantization)`;
          weight({ q: emb, scheme: es, op: 'affine', scale: scales.a, zp: f(inputs[2]), blockSize: 0, node: via!.node, embedding: true,
            ...(scales.a ? {} : { why: `no scale found for ${emb.name}` }) });
          side(scales.a, 'scale', emb.name, es);
          side(f(inputs[2]), 'zero point', emb.name, es);
        } else side(f(inputs[2]), 'activation zero point', q?.name ?? node.inputs[1], scheme);
        if (!q) continue;
        const scale = scales.w;
        weight({ q, scheme, op: 'affine', scale, zp: f(inputs[3]), axis: op === 'ConvInteger' ? 0 : 1, blockSize: 0, node,
          orientUse: { node, input: 1, graph: q.graph, outputs, order: q.def.use?.order ?? 0 },
          ...(scale ? {} : { why: `no scale found for ${q.name} (no Mul by a float initializer after ${op})` }) });
        side(scale, 'scale', q.name, scheme);
        side(f(inputs[3]), 'zero point', q.name, scheme);
      } else if (op === 'QLinearMatMul' || op === 'QLinearConv') {
        const q = f(inputs[3]);
        const scheme = `ONNX ${op}`;
        for (const k of [1, 2, 6, 7]) side(f(inputs[k]), k % 2 === 1 ? 'activation scale' : 'activation zero point', node.name || op, scheme);
        if (!q) continue;
        weight({ q, scheme, op: 'affine', scale: f(inputs[4]), zp: f(inputs[5]), axis: op === 'QLinearConv' ? 0 : 1, blockSize: 0, node,
          orientUse: { node: { ...node, opType: op === 'QLinearConv' ? 'Conv' : 'MatMul' }, input: 1, graph: q.graph, outputs, order: q.def.use?.order ?? 0 } });
        side(f(inputs[4]), 'scale', q.name, scheme);
        side(f(inputs[5]), 'zero point', q.name, scheme);
      } else if (op === 'MatMulNBits') {
        const q = f(inputs[1]);
        const bits = attr(node, 'bits') ?? 4;
        const scheme = `ONNX MatMulNBits int${bits} (block ${attr(node, 'block_size') ?? '?'})`;
        if (!q) continue;
        weight({ q, scheme, op: 'nbits', scale: f(inputs[2]), zp: f(inputs[3]), blockSize: attr(node, 'block_size') ?? 0, node,
          ...(inputs[4] && node.inputs[4] ? { why: 'g_idx (act-order) MatMulNBits is not dequantized' } : {}) });
        side(f(inputs[2]), 'scale', q.name, scheme);
        side(f(inputs[3]), 'zero point', q.name, scheme);
        side(f(inputs[4]), 'group index', q.name, scheme);
      }
    }
    return out;
  }

  /**
   * MatMulInteger/ConvInteger output -> (Cast) -> Mul(·, s): s is w_scale itself, or Mul(a_scale, w_scale) as
   * quantize_dynamic writes it (a_scale from DynamicQuantizeLinear, or a quantized embedding's initializer).
   */
  private integerScales(out: Def, f: (d: Def | undefined) => Found | undefined): { w?: Found; a?: Found } {
    const use = consumer(out);
    if (!use || use.node.opType !== 'Mul') return {};
    const other = this.nodes.find((n) => n.node === use.node)?.inputs[1 - use.input];
    const direct = f(other);
    if (direct) return { w: direct };
    const prod = other ? this.producer.get(other) : undefined;
    if (prod?.node.opType !== 'Mul') return {};
    const [a, w] = [f(prod.inputs[0]), f(prod.inputs[1])];
    return w ? { w, a } : { w: a };
  }
}

const QUANT_NODES = new Set(['DequantizeLinear', 'QuantizeLinear', 'MatMulInteger', 'ConvInteger', 'QLinearMatMul', 'QLinearConv', 'MatMulNBits']);
