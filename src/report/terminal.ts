// Text that reaches a terminal: tensor names come from files, so control characters and escape sequences
// (ESC, CSI, BEL, bidi overrides) are shown escaped instead of being interpreted; long names are elided in
// the middle, where the distinguishing prefix (block) and suffix (projection) both stay visible.

// C0, DEL, C1 controls; zero-width and bidi formatting characters; line/paragraph separators; BOM
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** Replaces every control or invisible formatting character with a visible escape (\x1b, \u{202e}). */
export function escapeControl(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

// East Asian wide and fullwidth ranges, which take two terminal cells
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;
// combining marks take none
const ZERO = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/u;

function cellWidth(ch: string): number {
  return ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
}

/** Terminal cells a string (already escaped) takes. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += cellWidth(ch);
  return w;
}

/** Shortens s to at most `width` cells by replacing its middle with '…'. */
export function elideMiddle(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 1) return width === 1 ? '…' : '';
  const chars = Array.from(s);
  const budget = width - 1;
  const headBudget = Math.ceil(budget / 2);
  let head = '';
  let hw = 0;
  for (const ch of chars) {
    if (hw + cellWidth(ch) > headBudget) break;
    head += ch;
    hw += cellWidth(ch);
  }
  let tail = '';
  let tw = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (tw + cellWidth(chars[i]) > budget - hw) break;
    tail = chars[i] + tail;
    tw += cellWidth(chars[i]);
  }
  return `${head}…${tail}`;
}

/** Pads to `width` cells on the right (left-aligned) or left (right-aligned). */
export function padCells(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

/**
 * Shortens a dotted/slashed tensor name to `width` cells keeping what tells layers apart: leading path
 * segments are cut to their first letter from the left (numbers, such as block indices, and the last two
 * segments stay whole: model.layers.10.mlp.down_proj.weight -> m.l.10.m.down_proj.weight), and only then
 * is the middle elided.
 */
export function shortenName(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  const parts = s.split(/([./:])/); // segments at even indices, separators at odd ones
  const segs = parts.filter((_, i) => i % 2 === 0).length;
  let seg = 0;
  for (let i = 0; i < parts.length && seg < segs - 2; i += 2, seg++) {
    const p = parts[i];
    if (p.length > 1 && !/^\d+$/.test(p)) parts[i] = Array.from(p)[0];
    if (displayWidth(parts.join('')) <= width) return parts.join('');
  }
  return elideMiddle(parts.join(''), width);
}
