// The subset of onnx.proto that the weight reader needs, decoded with our own wire reader (protobuf.ts).
// Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto).
// raw_data and packed typed fields are kept as byte spans into the file: nothing big is copied while parsing.
import { MessageReader, WIRE, type Span } from './protobuf.js';

/** Either a packed run of bytes or one unpacked element. */
export type Segment = { span: Span } | { value: number };

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  raw?: Span;
  floatData: Segment[];
  int32Data: Segment[];
  doubleData: Segment[];
  hasOtherData: boolean; // int64_data / string_data / uint64_data present
  external: Map<string, string>;
  dataLocation: number;
}

export interface OnnxAttribute {
  name: string;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  graphs: OnnxGraph[];
  /** Attribute kinds we do not turn into tensors (value_floats, sparse_value, ...). */
  other: boolean;
}

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxGraph {
  name: string;
  /** Names of the graph's inputs (a subgraph input shadows an outer value of the same name). */
  inputs: string[];
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  sparseInitializers: number;
}

export const MAX_GRAPH_DEPTH = 32;

function packedOrOne(r: MessageReader, wire: number, packedWire: number, one: () => number, out: Segment[]): void {
  if (wire === WIRE.LEN) out.push({ span: r.len() });
  else if (wire === packedWire) out.push({ value: one() });
  else r.skip(wire);
}

export function readTensor(r: MessageReader): OnnxTensor {
  const t: OnnxTensor = {
    name: '',
    dataType: 0,
    dims: [],
    floatData: [],
    int32Data: [],
    doubleData: [],
    hasOtherData: false,
    external: new Map(),
    dataLocation: 0,
  };
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: // dims (int64, packed or not)
        if (wire === WIRE.LEN) {
          const sub = r.sub(r.len(), 'TensorProto.dims');
          while (!sub.done()) t.dims.push(sub.int64());
        } else if (wire === WIRE.VARINT) t.dims.push(r.int64());
        else r.skip(wire);
        break;
      case 2:
        r.expect(wire, WIRE.VARINT, 'TensorProto.data_type');
        t.dataType = r.int32();
        break;
      case 4:
        packedOrOne(r, wire, WIRE.I32, () => r.fixed32(), t.floatData);
        break;
      case 5:
        packedOrOne(r, wire, WIRE.VARINT, () => r.int32(), t.int32Data);
        break;
      case 10:
        packedOrOne(r, wire, WIRE.I64, () => r.fixed64(), t.doubleData);
        break;
      case 6:
      case 7:
      case 11:
        t.hasOtherData = true;
        r.skip(wire);
        break;
      case 8:
        r.expect(wire, WIRE.LEN, 'TensorProto.name');
        t.name = r.string();
        break;
      case 9:
        r.expect(wire, WIRE.LEN, 'TensorProto.raw_data');
        t.raw = r.len();
        break;
      case 13: {
        r.expect(wire, WIRE.LEN, 'TensorProto.external_data');
        const e = r.sub(r.len(), 'StringStringEntryProto');
        let key = '';
        let value = '';
        while (!e.done()) {
          const f = e.tag();
          if (f.field === 1 && f.wire === WIRE.LEN) key = e.string();
          else if (f.field === 2 && f.wire === WIRE.LEN) value = e.string();
          else e.skip(f.wire);
        }
        t.external.set(key, value);
        break;
      }
      case 14:
        r.expect(wire, WIRE.VARINT, 'TensorProto.data_location');
        t.dataLocation = r.int32();
        break;
      default:
        r.skip(wire);
    }
  }
  return t;
}

function readAttribute(r: MessageReader, depth: number): OnnxAttribute {
  const a: OnnxAttribute = { name: '', graphs: [], other: false };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.LEN) a.name = r.string();
    else if (field === 3 && wire === WIRE.VARINT) a.i = r.int64();
    else if (field === 4 && wire === WIRE.LEN) a.s = r.string();
    else if (field === 5 && wire === WIRE.LEN) a.t = readTensor(r.sub(r.len(), 'AttributeProto.t'));
    else if ((field === 6 || field === 11) && wire === WIRE.LEN) a.graphs.push(readGraph(r.sub(r.len(), 'GraphProto'), depth + 1));
    else if (field === 2 || field === 7 || field === 8 || field === 10 || field === 22 || field === 23) {
      a.other = true;
      r.skip(wire);
    } else r.skip(wire);
  }
  return a;
}

function readNode(r: MessageReader, depth: number): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', inputs: [], outputs: [], attributes: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.LEN) n.inputs.push(r.string());
    else if (field === 2 && wire === WIRE.LEN) n.outputs.push(r.string());
    else if (field === 3 && wire === WIRE.LEN) n.name = r.string();
    else if (field === 4 && wire === WIRE.LEN) n.opType = r.string();
    else if (field === 5 && wire === WIRE.LEN) n.attributes.push(readAttribute(r.sub(r.len(), 'AttributeProto'), depth));
    else r.skip(wire);
  }
  return n;
}

function valueInfoName(r: MessageReader): string {
  let name = '';
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.LEN) name = r.string();
    else r.skip(wire);
  }
  return name;
}

export function readGraph(r: MessageReader, depth: number): OnnxGraph {
  if (depth > MAX_GRAPH_DEPTH) r.fail(`subgraphs nested deeper than ${MAX_GRAPH_DEPTH} levels`);
  const g: OnnxGraph = { name: '', inputs: [], nodes: [], initializers: [], sparseInitializers: 0 };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.LEN) g.nodes.push(readNode(r.sub(r.len(), 'NodeProto'), depth));
    else if (field === 2 && wire === WIRE.LEN) g.name = r.string();
    else if (field === 5 && wire === WIRE.LEN) g.initializers.push(readTensor(r.sub(r.len(), 'GraphProto.initializer')));
    else if (field === 11 && wire === WIRE.LEN) g.inputs.push(valueInfoName(r.sub(r.len(), 'ValueInfoProto')));
    else if (field === 15 && wire === WIRE.LEN) {
      g.sparseInitializers++;
      r.skip(wire);
    } else r.skip(wire);
  }
  return g;
}

/** ModelProto: returns the main graph, or undefined when there is none. */
export function readModel(r: MessageReader): OnnxGraph | undefined {
  let graph: OnnxGraph | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 7) {
      r.expect(wire, WIRE.LEN, 'ModelProto.graph');
      graph = readGraph(r.sub(r.len(), 'GraphProto'), 0);
    } else r.skip(wire);
  }
  return graph;
}
