// The ONNX graph walk: which tensors a model holds (initializers and Constant outputs, in every subgraph) and
// where each is used. Names are resolved through scopes as ONNX defines them: a subgraph sees its own
// definitions first, then its enclosing graphs', so an If branch's initializer W is not another branch's W.
import type { SkippedTensor } from './types.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-proto.js';

/** A value defined in a (sub)graph: an initializer, a Constant's output, another node's output, a graph input. */
export interface Def {
  /** Its first use, in graph order. */
  use?: Use;
  /** The nodes that use it after the first (at most MAX_OTHER_USES named), and how many there are in all. */
  otherUses?: string[];
  otherCount?: number;
}

const MAX_OTHER_USES = 8;

export interface Use {
  node: OnnxNode;
  input: number;
  graph: string;
  /** The node's outputs (to look through Identity/Cast). */
  outputs: Def[];
  /** Position of the node in graph order (subgraphs at their node's place): the model order of its weights. */
  order: number;
}

export interface Found {
  tensor: OnnxTensor;
  name: string;
  graph: string;
  def: Def;
  /** Position among all found tensors (the key of a tensor kept in typed fields). */
  index: number;
  constNode?: string;
}

/** Names visible in a graph: its own definitions, then the enclosing graphs' (ONNX lexical scoping). */
class Scope {
  private readonly defs = new Map<string, Def>();
  constructor(private readonly parent: Scope | null) {}
  set(name: string, d: Def): void {
    this.defs.set(name, d);
  }
  lookup(name: string): Def | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const d = s.defs.get(name);
      if (d) return d;
    }
    return undefined;
  }
}

export interface Walk {
  found: Found[];
  skipped: SkippedTensor[];
  nodes: number;
  /** Called for each node with its inputs' and outputs' definitions (quant/onnx.ts pairs weights with scales). */
  onNode?: (node: OnnxNode, inputs: (Def | undefined)[], outputs: Def[]) => void;
}

/**
 * Walks the graph and its subgraphs in order: weight tensors, and the first use of each. A name used in a
 * subgraph means the innermost definition of it (an If branch's initializer `W` shadows another branch's and
 * the outer graph's), so uses are resolved through scopes, never by name across graphs.
 */
export function collect(g: OnnxGraph, gpath: string, parent: Scope | null, w: Walk): void {
  const scope = new Scope(parent);
  for (const name of g.inputs) if (name !== '') scope.set(name, {});
  for (const t of g.initializers) {
    const def: Def = {};
    w.found.push({ tensor: t, name: t.name, graph: gpath, def, index: w.found.length });
    scope.set(t.name, def);
  }
  if (g.sparseInitializers > 0) {
    w.skipped.push({ name: `${gpath}: ${g.sparseInitializers} sparse initializer(s)`, reason: 'sparse tensors are not supported' });
  }
  for (const n of g.nodes) {
    const outputs: Def[] = n.outputs.map(() => ({}));
    const use = { node: n, graph: gpath, outputs, order: w.nodes++ };
    n.inputs.forEach((name, i) => {
      const d = name === '' ? undefined : scope.lookup(name);
      if (!d) return;
      if (!d.use) d.use = { ...use, input: i };
      else if (d.use.node !== n) {
        d.otherCount = (d.otherCount ?? 0) + 1;
        if (d.otherCount <= MAX_OTHER_USES) (d.otherUses ??= []).push(`${gpath}/${n.name || n.opType}`);
      }
    });
    if (w.onNode) w.onNode(n, n.inputs.map((name) => (name === '' ? undefined : scope.lookup(name))), outputs);
    for (const a of n.attributes) {
      if (n.opType === 'Constant' && a.t && n.outputs[0]) {
        w.found.push({ tensor: a.t, name: n.outputs[0], graph: gpath, def: outputs[0], index: w.found.length, constNode: n.name });
      } else if (n.opType === 'Constant' && a.other && n.outputs[0]) {
        w.skipped.push({ name: n.outputs[0], reason: `Constant ${a.name}: sparse or scalar/list attribute, not a weight matrix` });
      }
      a.graphs.forEach((sg, k) => collect(sg, `${gpath}/${n.name || n.opType}.${a.name}${a.graphs.length > 1 ? k : ''}`, scope, w));
    }
    n.outputs.forEach((name, i) => {
      if (name !== '') scope.set(name, outputs[i]);
    });
  }
}

/** The nodes besides the first that use a tensor ('<graph>/<node>'), the list capped with a count of the rest. */
export function otherUses(d: Def): string[] {
  const list = d.otherUses ?? [];
  const more = (d.otherCount ?? 0) - list.length;
  return more > 0 ? [...list, `... and ${more} more`] : list;
}

/** The consumer of a value, looking through Identity/Cast chains. */
export function consumer(d: Def): Use | undefined {
  let u = d.use;
  for (let hop = 0; u && (u.node.opType === 'Identity' || u.node.opType === 'Cast') && hop < 8; hop++) {
    const next = u.outputs[0]?.use;
    if (!next) break;
    u = next;
  }
  return u;
}
