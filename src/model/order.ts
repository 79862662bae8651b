// Model order from tensor names, for formats that store no order of their own (safetensors writes its
// tensors sorted by name, so file order says nothing: h.0, h.1, h.10, h.2; mlp before self_attn).
//
// Names are compared segment by segment ('.' and '/' separate segments): two numbers compare as numbers
// (block 2 before block 10), otherwise a segment's role in a network comes first (embeddings, then the
// encoder, the attention and its q, k, v, o projections, the MLP and its gate, up, down projections, the
// decoder, then heads), and segments of the same role compare in natural order (digit runs as numbers:
// dense_2 before dense_10).

/** Role of a name segment, in forward order; unknown segments are neutral (ROLE.other). */
const ROLES: [RegExp, number][] = [
  [/^(embed|embeddings|embed_tokens|wte|tok_embeddings|word_embeddings|patch_embed|patch_embedding|shared)$/i, 0],
  [/^(embed_positions|wpe|position_embeddings|pos_embed|token_type_embeddings)$/i, 1],
  [/^(encoder|enc)$/i, 10],
  [/^(self_attn|attn|attention|self_attention|selfattention|self|mixer|sa)$/i, 20],
  [/^(q|q_proj|query|wq|q_attn)$/i, 21],
  [/^(k|k_proj|key|wk)$/i, 22],
  [/^(v|v_proj|value|wv)$/i, 23],
  [/^(qkv|qkv_proj|c_attn|query_key_value|in_proj|wqkv|w_pack)$/i, 24],
  [/^(o|o_proj|out_proj|dense|wo_attn)$/i, 25],
  [/^(cross_attn|encoder_attn|crossattention|encdecattention)$/i, 30],
  [/^(mlp|ffn|feed_forward|feedforward|densereludense|intermediate|fc|moe|block_sparse_moe)$/i, 40],
  [/^(gate_proj|w1|wi_0|gate|fc1|c_fc|dense_h_to_4h|up_gate_proj)$/i, 41],
  [/^(up_proj|w3|wi_1|wi)$/i, 42],
  [/^(down_proj|w2|wo|fc2|dense_4h_to_h|output)$/i, 43],
  [/^(decoder|dec)$/i, 60],
  [/^(norm|ln_f|final_layer_norm|final_layernorm|final_norm)$/i, 80],
  [/^(lm_head|head|classifier|score|pooler|cls|output_layer|qa_outputs|logits)$/i, 90],
];
const NEUTRAL = 50;

/** Roles already looked up: a model repeats a few dozen segments (h, attn, weight) across every name. */
const roleCache = new Map<string, number>();

function role(seg: string): number {
  let r = roleCache.get(seg);
  if (r !== undefined) return r;
  r = NEUTRAL;
  for (const [re, v] of ROLES)
    if (re.test(seg)) {
      r = v;
      break;
    }
  if (roleCache.size >= 4096) roleCache.clear(); // bounded: names with unique segments cannot grow it
  roleCache.set(seg, r);
  return r;
}

const DIGITS = /^\d+$/;

/**
 * Natural comparison: runs of digits compare as integers (of any length, without parsing), the rest as text.
 * Self-contained (no module state): the HTML report inlines its source for the table's client-side sort.
 */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const sx = x.replace(/^0+(?=\d)/, '');
      const sy = y.replace(/^0+(?=\d)/, '');
      if (sx.length !== sy.length) return sx.length - sy.length;
      if (sx !== sy) return sx < sy ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // '01' after '1'
      continue;
    }
    return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSegment(a: string, b: string): number {
  if (a === b) return 0;
  const na = DIGITS.test(a);
  const nb = DIGITS.test(b);
  if (na && nb) return naturalCompare(a, b);
  if (na !== nb) return na ? -1 : 1; // a block index before a named sibling
  return role(a) - role(b) || naturalCompare(a, b);
}

/** A name's segments, what compareNameSegments compares: split once per name when sorting many. */
export function nameSegments(name: string): string[] {
  return name.split(/[./]/);
}

/** Orders two tensor names by their place in the network (see the header). */
export function compareNames(a: string, b: string): number {
  return compareNameSegments(a, nameSegments(a), b, nameSegments(b));
}

/** compareNames on names already split by nameSegments. */
export function compareNameSegments(a: string, sa: readonly string[], b: string, sb: readonly string[]): number {
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compareSegment(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return sa.length - sb.length || (a < b ? -1 : a > b ? 1 : 0);
}
