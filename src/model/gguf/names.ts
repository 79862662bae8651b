// llama.cpp tensor names -> kind and model order. Names are '[<prefix>.]blk.<N>.<role>.<weight|bias>' inside
// the blocks (prefix: 'v.' vision tower, 'a.' audio, 'enc.'/'dec.' encoder-decoder), and 'token_embd',
// 'pos_embd', 'output_norm', 'output' ... outside. Order: a prefix's tensors before its blocks, the blocks by
// index, then what follows them (final norm, output head); within a block, the roles in forward order
// (attention q, k, v, output, then the feed-forward gate, up, down, the MoE router and experts).
import type { WeightKind } from '../types.js';

/** Roles inside a block, in forward order; a role not listed goes after them, in file order. */
const BLOCK_ROLES = [
  'attn_norm', 'attn_norm_2', 'attn_q_a', 'attn_q_a_norm', 'attn_q_b', 'attn_q', 'attn_q_norm', 'attn_k', 'attn_k_norm',
  'attn_kv_a_mqa', 'attn_kv_a_norm', 'attn_kv_b', 'attn_k_b', 'attn_v_b', 'attn_v', 'attn_qkv', 'attn_output', 'attn_out',
  'attn_post_norm', 'cross_attn_norm', 'cross_attn_q', 'cross_attn_k', 'cross_attn_v', 'cross_attn_o', 'cross_attn_output',
  'ffn_norm', 'ffn_gate_inp', 'ffn_gate', 'ffn_up', 'ffn_down', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps',
  'ffn_gate_inp_shexp', 'ffn_gate_shexp', 'ffn_up_shexp', 'ffn_down_shexp', 'ffn_post_norm', 'layer_output_norm',
];
/** Tensors outside the blocks that come before them. */
const BEFORE_BLOCKS = /^(token_embd|tok_embd|pos_embd|token_types|per_layer_token_embd|patch_embd|position_embd|class_embd|pre_ln|token_embd_norm)$/;
const EMBEDDING = /^(token_embd|tok_embd|pos_embd|token_types|per_layer_token_embd|position_embd)$/;

export interface GgufName {
  /** 'v', 'enc', ... or '' for the language model. */
  prefix: string;
  /** Block index, or undefined outside the blocks. */
  block?: number;
  /** The role: 'attn_q', 'ffn_down_exps', 'token_embd', 'output', ... */
  role: string;
}

export function parseGgufName(name: string): GgufName {
  const base = name.replace(/\.(weight|bias|scale)$/, '');
  const m = /^(?:(.+?)\.)?blk\.(\d+)\.(.+)$/.exec(base);
  if (m) return { prefix: m[1] ?? '', block: Number(m[2]), role: m[3] };
  const p = /^(v|a|enc|dec|mm|mmproj)\.(.+)$/.exec(base);
  return p ? { prefix: p[1], role: p[2] } : { prefix: '', role: base };
}

/** The kind llama.cpp's name says (2-D tensors; conv kernels and vectors are classified by shape). */
export function ggufKind(n: GgufName): WeightKind {
  return n.block === undefined && EMBEDDING.test(n.role) ? 'embedding' : 'dense';
}

/** Whether the role is a stacked MoE experts tensor (ne = [in, out, n_expert]). */
export function isExperts(n: GgufName): boolean {
  return /_exps$/.test(n.role);
}

/**
 * A sort key for model order: [prefix rank, section (0 before the blocks, 1 blocks, 2 after), block, role rank].
 * Ties (unknown roles) keep the file's order.
 */
export function orderKey(n: GgufName, prefixRank: number): number[] {
  if (n.block !== undefined) {
    const r = BLOCK_ROLES.indexOf(n.role);
    return [prefixRank, 1, n.block, r < 0 ? BLOCK_ROLES.length : r];
  }
  return [prefixRank, BEFORE_BLOCKS.test(n.role) ? 0 : 2, 0, 0];
}

export function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
