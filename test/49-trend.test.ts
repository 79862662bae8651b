// The trend report: the SVG polylines are the records' values mapped by the chart's linear scales (checked
// in closed form), a missing value breaks a line, names are escaped, bad options are typed errors.
import { describe, expect, it } from 'vitest';
import { trendReport, type TrackRecord } from '../src/index.js';
import { scale } from '../src/workflows/trend.js';

const layer = (name: string, alpha: number | null, stableRank: number) => ({
  name, status: alpha === null ? 'failed' as const : 'success' as const, alpha, D: null, stableRank, effectiveRank: null, spectralNorm: 2 * stableRank, traps: null, cosGrad: null,
});
const recs: TrackRecord[] = [
  { step: 0, time: 't', layers: [layer('fc1', 3, 10), layer('<b>', 5, 4)], warnings: [] },
  { step: 10, time: 't', layers: [layer('fc1', 2.5, 8), layer('<b>', null, 4)], warnings: [] },
  { step: 20, time: 't', layers: [layer('fc1', 1.5, 6), layer('<b>', 6.5, 5)], warnings: [{ step: 20, layer: 'fc1', kind: 'alpha<2', alpha: 1.5, previous: 2.5 }] },
];

const svgs = (html: string) => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
const polylines = (svg: string, series: string) => {
  const g = new RegExp(`<g data-series="${series}">([\\s\\S]*?)</g>`).exec(svg)![1];
  return [...g.matchAll(/points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
};

describe('trendReport', () => {
  it('draws each metric vs step per layer at the scaled positions, breaking lines at failed fits', () => {
    const html = trendReport(recs);
    const [alpha, sr, sn, depth] = svgs(html);
    expect(svgs(html).length).toBe(4); // alpha, stableRank, spectralNorm vs step; alpha vs depth
    const sx = scale(0, 20, 56, 640 - 16);
    const sy = scale(1.5, 6.5, 320 - 36, 24);
    expect(polylines(alpha, 'fc1')).toEqual([[[0, 3], [10, 2.5], [20, 1.5]].map(([x, y]) => [+sx(x).toFixed(2), +sy(y).toFixed(2)])]);
    // '<b>' has no alpha at step 10: two single points (circles), no polyline through the gap
    expect(polylines(alpha, '&#60;b&#62;')).toEqual([]);
    expect((alpha.match(/<circle/g) ?? []).length).toBe(2);
    const sy2 = scale(4, 10, 320 - 36, 24);
    expect(polylines(sr, 'fc1')[0][2]).toEqual([+sx(20).toFixed(2), +sy2(6).toFixed(2)]);
    expect(sn).toContain('spectralNorm vs step');
    // alpha vs depth at steps 0, 10, 20: x = layer index
    const dx = scale(0, 1, 56, 624);
    expect(polylines(depth, 'step 0')[0]).toEqual([[+dx(0).toFixed(2), expect.any(Number)], [+dx(1).toFixed(2), expect.any(Number)]]);
    expect(html).toContain('step 20: fc1 alpha&#60;2 (alpha 1.5, was 2.5)');
    expect(html).not.toContain('<b>');
  });

  it('takes metrics and steps, and refuses what it cannot draw', () => {
    const html = trendReport(recs, { metrics: ['stableRank'], steps: [20] });
    expect(svgs(html).length).toBe(2);
    expect(() => trendReport([])).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => trendReport(recs, { steps: [5] })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => trendReport(recs, { metrics: ['nope' as never] })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});
