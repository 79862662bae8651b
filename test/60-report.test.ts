import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';
import { esdPlotSvg, formatTable, htmlReport, logHistogram, toCsv, toJson } from '../src/report/index.js';
import { reference } from './helpers/reference.js';

const rows = [
  { name: 'layer.0', alpha: 3.14159265, num_pl_spikes: 22, warning: '' },
  { name: 'layer, "quoted"', alpha: NaN, num_pl_spikes: 5, warning: 'under-trained' },
];

describe('table, CSV and JSON writers', () => {
  it('aligns columns: numbers right, text left; 4 significant digits', () => {
    const t = formatTable(rows).split('\n');
    expect(t[0]).toMatch(/^name\s+alpha\s+num_pl_spikes\s+warning$/);
    expect(t[2]).toContain('3.142');
    expect(t[3]).toContain('nan');
    // every line's 'alpha' column ends at the same offset
    const end = t[0].indexOf('alpha') + 'alpha'.length;
    expect(t[2].slice(end - 5, end)).toBe('3.142');
    expect(t[3].slice(end - 3, end)).toBe('nan');
  });

  it('CSV quotes commas and quotes (RFC 4180) and keeps full precision', () => {
    const csv = toCsv(rows);
    expect(csv.split('\r\n')[0]).toBe('name,alpha,num_pl_spikes,warning');
    expect(csv).toContain('layer.0,3.14159265,22,');
    expect(csv).toContain('"layer, ""quoted""",nan,5,under-trained');
  });

  it('JSON: typed arrays as arrays, NaN/Infinity as null', () => {
    const j = JSON.parse(toJson({ a: NaN, b: Infinity, c: Float32Array.from([1, 2]), d: 1.5 }));
    expect(j).toEqual({ a: null, b: null, c: [1, 2], d: 1.5 });
  });
});

describe('ESD plot', () => {
  const s = reference.numpy.spiked.svdvals as number[];
  const evals = s.map((v) => v * v);

  it('the log-binned histogram is a density: it integrates to 1 and counts every eigenvalue', () => {
    const h = logHistogram(evals, 30);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(evals.length);
    let integral = 0;
    for (let i = 0; i < 30; i++) integral += h.density[i] * (h.edges[i + 1] - h.edges[i]);
    expect(integral).toBeCloseTo(1, 12);
    expect(h.edges[0]).toBeCloseTo(Math.min(...evals), 6);
    expect(h.edges[30]).toBeCloseTo(Math.max(...evals), 3);
  });

  it('draws bars, the power-law fit from xmin and the MP edge', () => {
    const fit = reference.numpy.spiked.powerlaw_ks;
    const svg = esdPlotSvg({ title: 'spiked <test>', evals, alpha: fit.alpha, xmin: fit.xmin, bulkMax: 1000 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('spiked &#60;test&#62;');
    expect(svg).toContain('<polyline');
    expect(svg).toContain(`α = ${fit.alpha.toFixed(2)}`);
    expect(svg).toContain('MP bulk edge');
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(5);
  });

  it('an empty or all-zero ESD gives a labelled empty plot, not NaN coordinates', () => {
    const svg = esdPlotSvg({ title: 'zero', evals: [0, 0, 0] });
    expect(svg).toContain('no positive eigenvalues');
    expect(svg).not.toContain('NaN');
  });
});

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);

describe('HTML report', () => {
  const layers = [
    { name: 'b', alpha: 2.5, stable_rank: 10 },
    { name: 'a', alpha: 4.5, stable_rank: 3 },
    { name: 'c', alpha: 3.5, stable_rank: 7 },
  ];
  const html = htmlReport({
    title: 'weightscope test report',
    summary: { layers: 3, alpha_mean: 3.5 },
    layers,
    plots: [{ name: 'spiked', svg: esdPlotSvg({ title: 'spiked', evals: (reference.numpy.spiked.svdvals as number[]).map((v) => v * v) }) }],
    skipped: [{ name: 'bias', reason: '1-D tensor' }],
  });

  it('is self-contained and escapes names', () => {
    expect(html).not.toMatch(/<script src=|<link /);
    expect(html).toContain('<table class="sortable"');
    expect(html).toContain('1-D tensor');
  });

  it.skipIf(!chromium)('renders in headless Chromium and sorts the table on click (screenshot in test/output/)', async () => {
    const out = join(process.cwd(), 'test', 'output');
    mkdirSync(out, { recursive: true });
    // click the 'alpha' header once (ascending) from a script appended after the report's own
    const file = join(out, 'report.html');
    writeFileSync(file, html.replace('</body>', `<script>document.querySelectorAll('#layers th')[1].click()</script></body>`));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(out, 'chromium-profile')}`];
    // Chromium must not inherit the sanitizer runtime of `npm run test:asan`
    const env = { ...process.env, LD_PRELOAD: '' };
    const dom = await run(chromium!, [...flags, '--dump-dom', `file://${file}`], { timeoutMs: 60_000, env });
    expect(dom.status).toBe(0);
    const order = [...dom.stdout.matchAll(/<tr><td data-v="([abc])"/g)].map((m) => m[1]);
    expect(order).toEqual(['b', 'c', 'a']); // sorted by alpha ascending: 2.5, 3.5, 4.5
    const png = join(out, 'report.png');
    const shot = await run(chromium!, [...flags, '--window-size=1200,900', `--screenshot=${png}`, `file://${file}`], { timeoutMs: 60_000, env });
    expect(shot.status).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  });
});
