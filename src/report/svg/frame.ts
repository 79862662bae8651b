// SVG building blocks shared by the plots: the document element, a plot frame with its axes and tick
// labels, a clip path so that nothing drawn in data space leaves the frame, and text escaping.
import { escapeControl } from '../terminal.js';
import { formatTick, type Scale } from './scale.js';

/** Markup-escaped, with control characters shown as escapes (labels quote names from files). */
export const esc = (s: string) => escapeControl(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const px = (v: number) => (Math.round(v * 10) / 10).toString();

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * An <svg> element. `fluid` makes it scale to its container's width (inline in the report); otherwise it
 * has a fixed size (standalone files). `label` is its accessible name.
 */
export function svgDoc(w: number, h: number, body: string, opts: { fluid?: boolean; label?: string; cls?: string; id?: string } = {}): string {
  const size = opts.fluid ? `width="100%" style="max-width:${w}px"` : `width="${w}" height="${h}"`;
  const attrs = [
    opts.id ? `id="${esc(opts.id)}"` : '',
    opts.cls ? `class="${esc(opts.cls)}"` : '',
    opts.label ? `role="img" aria-label="${esc(opts.label)}"` : '',
  ].filter(Boolean).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" ${attrs} ${size} viewBox="0 0 ${w} ${h}" font-family="system-ui,sans-serif" font-size="11">${body}</svg>`;
}

/** A clip path for the frame; ids must be unique in the page, so the caller passes one. */
export function clipDef(id: string, b: Box): string {
  return `<defs><clipPath id="${esc(id)}"><rect x="${px(b.x0)}" y="${px(b.y0)}" width="${px(b.x1 - b.x0)}" height="${px(b.y1 - b.y0)}"/></clipPath></defs>`;
}

/** Frame, ticks and tick labels on both axes, light grid lines, axis titles. */
export function axes(b: Box, xs: Scale, ys: Scale, titles: { x: string; y: string }, xTicks: number[] = xs.ticks): string {
  const out: string[] = [];
  for (const t of xTicks) {
    const x = xs(t);
    if (x < b.x0 - 0.5 || x > b.x1 + 0.5) continue;
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${px(b.y0)}" y2="${px(b.y1)}" stroke="#eee"/>`);
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${px(b.y1)}" y2="${px(b.y1 + 4)}" stroke="#666"/>`);
    out.push(`<text x="${px(x)}" y="${px(b.y1 + 15)}" text-anchor="middle" class="tick">${esc(formatTick(t))}</text>`);
  }
  for (const t of ys.ticks) {
    const y = ys(t);
    if (y < b.y0 - 0.5 || y > b.y1 + 0.5) continue;
    out.push(`<line x1="${px(b.x0)}" x2="${px(b.x1)}" y1="${px(y)}" y2="${px(y)}" stroke="#eee"/>`);
    out.push(`<line x1="${px(b.x0 - 4)}" x2="${px(b.x0)}" y1="${px(y)}" y2="${px(y)}" stroke="#666"/>`);
    out.push(`<text x="${px(b.x0 - 6)}" y="${px(y + 3.5)}" text-anchor="end" class="tick">${esc(formatTick(t))}</text>`);
  }
  out.push(`<rect x="${px(b.x0)}" y="${px(b.y0)}" width="${px(b.x1 - b.x0)}" height="${px(b.y1 - b.y0)}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${px((b.x0 + b.x1) / 2)}" y="${px(b.y1 + 30)}" text-anchor="middle">${esc(titles.x)}</text>`);
  out.push(`<text transform="translate(${px(b.x0 - 40)} ${px((b.y0 + b.y1) / 2)}) rotate(-90)" text-anchor="middle">${esc(titles.y)}</text>`);
  return out.join('');
}

/** Legend entries (swatch + label) in the margin above the frame, left to right, wrapping into more rows. */
export function legend(b: Box, items: { label: string; color: string; kind: 'box' | 'line' | 'dash' | 'dot' }[], rowHeight = 13): string {
  const parts: string[] = [];
  const rows = Math.max(1, Math.ceil(legendWidth(items) / (b.x1 - b.x0)));
  let x = b.x0;
  let y = b.y0 - 6 - (rows - 1) * rowHeight;
  for (const it of items) {
    const w = itemWidth(it.label);
    if (x + w > b.x1 && x > b.x0) {
      x = b.x0;
      y += rowHeight;
    }
    const sw =
      it.kind === 'box' ? `<rect x="${px(x)}" y="${px(y - 7)}" width="10" height="8" fill="${it.color}" fill-opacity="0.7"/>`
      : it.kind === 'dot' ? `<circle cx="${px(x + 5)}" cy="${px(y - 3)}" r="3.5" fill="${it.color}"/>`
      : `<line x1="${px(x)}" x2="${px(x + 12)}" y1="${px(y - 3)}" y2="${px(y - 3)}" stroke="${it.color}" stroke-width="2"${it.kind === 'dash' ? ' stroke-dasharray="4 2"' : ''}/>`;
    parts.push(`${sw}<text x="${px(x + 15)}" y="${px(y)}">${esc(it.label)}</text>`);
    x += w;
  }
  return `<g class="legend">${parts.join('')}</g>`;
}

// 11 px sans-serif averages about 6.2 px a character; a swatch and the gaps take 26
const itemWidth = (label: string) => label.length * 6.2 + 26;
const legendWidth = (items: { label: string }[]) => items.reduce((s, it) => s + itemWidth(it.label), 0);

