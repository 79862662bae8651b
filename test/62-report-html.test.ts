// The HTML report: its content, and its layout in headless Chromium at 1280 px (no horizontal overflow,
// the depth plot with one mark per analysed layer, the sticky name column, sorting with empty cells last).
// Screenshots go to test/output/report-*.png.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type NamedWeight } from '../src/index.js';
import { depthOrder, escapeControl, htmlReport, naturalCompare } from '../src/report/index.js';
import { mulberry32 } from './helpers/prng.js';
import { run } from './helpers/child.js';

/** Student-t entries (df degrees of freedom): heavier tails, smaller α. */
function studentT(rows: number, cols: number, df: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    let chi = 0;
    for (let k = 0; k < df; k++) chi += normal() ** 2;
    out[i] = normal() / Math.sqrt(chi / df);
  }
  return out;
}

/** A GPT-2-like layer list (stored in shard order: h.0, h.1, h.10, h.11, h.2, ...), a conv, an LSTM and odd names. */
function model(): NamedWeight[] {
  const ws: NamedWeight[] = [];
  const blocks = Array.from({ length: 12 }, (_, i) => i).sort((a, b) => String(a).localeCompare(String(b)));
  for (const b of blocks) {
    ws.push({ name: `transformer.h.${b}.attn.c_attn.weight`, W: { data: studentT(48, 96, 2 + (b % 5), 10 + b), shape: [48, 96] } });
    ws.push({ name: `transformer.h.${b}.mlp.c_fc.weight`, W: { data: studentT(96, 48, 3 + (b % 4), 40 + b), shape: [96, 48] } });
  }
  ws.push({ name: 'transformer.wte.weight', kind: 'embedding', W: { data: studentT(300, 32, 4, 1), shape: [300, 32] } });
  ws.push({ name: 'features.0.weight', kind: 'conv2d', layout: 'oihw', W: { data: studentT(16, 12 * 9, 3, 2), shape: [16, 12, 3, 3] } });
  ws.push({ name: 'rnn.lstm.R.f', kind: 'recurrent', W: { data: studentT(32, 32, 5, 3), shape: [32, 32] } });
  // an identity: every eigenvalue equal, so the power-law fit fails (status 'failed', left out of the means)
  const eye = new Float64Array(32 * 32);
  for (let i = 0; i < 32; i++) eye[i * 33] = 1;
  ws.push({ name: 'transformer.h.5.identity', W: { data: eye, shape: [32, 32] } });
  ws.push({ name: `evil\x1b[31m<script>alert(1)</script>.${'x'.repeat(200)}`, W: { data: studentT(40, 20, 3, 4), shape: [40, 20] } });
  return ws;
}

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
const out = join(process.cwd(), 'test', 'output');

describe('HTML report', async () => {
  const report = await analyze(model(), { metrics: ['mp', 'rank', 'traps', 'farms'], keepEsd: true, seed: 1 });
  expect(report.skipped).toEqual([]);
  report.skipped.push({ name: 'transformer.h.0.ln_1.weight', reason: '1-D tensor (bias, normalisation or scale vector): no matrix' });
  const html = htmlReport(report, { title: 'weightscope test report' });
  const layers = depthOrder(report.layers);

  it('is self-contained and escapes names from the file', () => {
    expect(html).not.toMatch(/<script src=|<link |https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('\x1b');
    expect(html).toContain('evil\\x1b[31m&#60;script&#62;');
  });

  it('has the depth plot, the α histogram, the table, the legend, an ESD panel per layer and the skipped list', () => {
    expect(report.layers.some((l) => l.status === 'failed')).toBe(true);
    expect(html).toContain('id="depth-alpha"');
    expect(html).toContain('id="alpha-hist"');
    const rows = html.match(/<tr( class="failed")?><th scope="row" class="name"/g) ?? [];
    expect(rows).toHaveLength(report.layers.length);
    expect((html.match(/<article class="esd-card"/g) ?? []).length).toBe(report.layers.length);
    expect(html).toContain('class="rand"'); // the shuffled-W overlay (traps ran)
    for (const c of ['alpha', 'D', 'stable_rank', 'rand_num_spikes', 'farms_alpha', 'status', 'warning']) expect(html).toContain(`<dt>${c}</dt>`);
    expect(html).toContain('Not analysed (1 tensor)');
    expect(html).toMatch(/1 failed fit, left out of the means/);
  });

  it('lists the rows in depth order (h.2 before h.10), shapes keyed by element count, NaN cells empty', () => {
    const names = [...html.matchAll(/<th scope="row" class="name" data-v="([^"]*)"/g)].map((m) => m[1]);
    const i2 = names.indexOf('transformer.h.2.attn.c_attn.weight');
    const i10 = names.indexOf('transformer.h.10.attn.c_attn.weight');
    expect(i2).toBeGreaterThanOrEqual(0);
    expect(i2).toBeLessThan(i10);
    expect(html).toMatch(/<td data-v="1728" data-t="n" class="text">16x12x3x3<\/td>/); // the conv kernel, by element count
    const failed = html.slice(html.indexOf('<tr class="failed">'));
    expect(failed.slice(0, failed.indexOf('</tr>'))).toMatch(/<td data-v="" data-t="n"><\/td>/); // α of the failed fit: empty, sorted last
  });

  it.skipIf(!chromium)('renders at 1280 px without horizontal overflow; depth plot, sticky names and sorting work (screenshots in test/output/)', async () => {
    mkdirSync(out, { recursive: true });
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${join(out, 'chromium-profile')}`];
    // Chromium must not inherit the sanitizer runtime of `npm run test:asan`
    const env = { ...process.env, LD_PRELOAD: '' };
    const page = (file: string, extra: string) => {
      writeFileSync(join(out, file), html.replace('</body>', `${extra}</body>`));
      return `file://${join(out, file)}`;
    };
    const probe = `<script>
(function () {
  var o = {}, de = document.documentElement, box = document.querySelector('.tablebox');
  o.scrollWidth = de.scrollWidth; o.clientWidth = de.clientWidth; o.innerWidth = innerWidth;
  o.boxRight = box.getBoundingClientRect().right; o.boxLeft = box.getBoundingClientRect().left;
  o.tableWider = box.scrollWidth > box.clientWidth + 100;
  var row = function () { return document.querySelector('#layers tbody tr'); };
  o.name0 = row().cells[0].getBoundingClientRect().left; o.cell0 = row().cells[8].getBoundingClientRect().left;
  box.scrollLeft = 400;
  o.name1 = row().cells[0].getBoundingClientRect().left; o.cell1 = row().cells[8].getBoundingClientRect().left;
  box.scrollLeft = 0;
  o.points = document.querySelectorAll('#depth-alpha .pt').length;
  o.depthShown = !document.querySelector('#depth-alpha').parentElement.hidden;
  var heads = Array.prototype.slice.call(document.querySelectorAll('#layers thead th'));
  var col = heads.findIndex(function (h) { return h.textContent === 'alpha'; });
  var vals = function (c) { return Array.prototype.map.call(document.querySelectorAll('#layers tbody tr'), function (r) { return r.cells[c].getAttribute('data-v'); }); };
  heads[col].click(); o.asc = vals(col);
  heads[col].click(); o.desc = vals(col);
  heads[0].click(); o.names = vals(0);
  o.esdSvgs = document.querySelectorAll('.esd-card svg').length;
  document.body.setAttribute('data-probe', btoa(unescape(encodeURIComponent(JSON.stringify(o)))));
})();
</script>`;
    const dom = await run(chromium!, [...flags, '--window-size=1280,900', '--dump-dom', page('report-probe.html', probe)], { timeoutMs: 90_000, env });
    expect(dom.status, dom.stderr).toBe(0);
    const m = /data-probe="([^"]+)"/.exec(dom.stdout);
    expect(m, 'the probe ran').not.toBeNull();
    const o = JSON.parse(Buffer.from(m![1], 'base64').toString('utf8'));
    // no horizontal overflow at 1280 px; the table scrolls inside its box
    expect(o.innerWidth).toBe(1280);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.clientWidth);
    expect(o.boxRight).toBeLessThanOrEqual(1280);
    expect(o.tableWider).toBe(true);
    // sticky name column: it stays at the box's left edge while the other cells move
    expect(Math.abs(o.name1 - o.name0)).toBeLessThan(1);
    expect(o.cell0 - o.cell1).toBeGreaterThan(350);
    // the depth plot: one mark per analysed layer
    expect(o.depthShown).toBe(true);
    expect(o.points).toBe(report.layers.length);
    expect(o.esdSvgs).toBe(2 * report.layers.length);
    // numeric sort, empty (failed) cells last in both directions
    const num = (a: string[]) => a.filter((v) => v !== '').map(Number);
    expect(num(o.asc)).toEqual([...num(o.asc)].sort((a, b) => a - b));
    expect(num(o.desc)).toEqual([...num(o.desc)].sort((a, b) => b - a));
    expect(o.asc[o.asc.length - 1]).toBe('');
    expect(o.desc[o.desc.length - 1]).toBe('');
    // natural sort of names
    expect(o.names).toEqual([...o.names].sort(naturalCompare));
    expect(o.names).toEqual(layers.map((l) => escapeControl(l.name)).sort(naturalCompare));

    const shots: [string, string, string][] = [
      ['report-1280.png', '1280,1500', ''],
      ['report-table-scrolled-1280.png', '1280,900', `<style>#summary,#overview{display:none}</style><script>document.querySelector('.tablebox').scrollLeft = 600</script>`],
      ['report-esd-1280.png', '1280,1300', '<style>#summary,#overview,#layers-section{display:none}</style>'],
    ];
    // the screenshots in parallel: each Chromium mostly waits
    const results = await Promise.all(shots.map(([png, size, extra]) => new Promise<number | null>((done) => {
      const p = spawn(chromium!, [...flags.filter((f) => !f.startsWith('--user-data-dir')), `--user-data-dir=${join(out, `chromium-${png}`)}`,
        `--window-size=${size}`, `--screenshot=${join(out, png)}`, page(png.replace('.png', '.html'), extra)], { env, stdio: 'ignore' });
      const timer = setTimeout(() => p.kill(), 90_000);
      p.on('exit', (code) => { clearTimeout(timer); done(code); });
    })));
    expect(results).toEqual(shots.map(() => 0));
    for (const [png] of shots) expect(statSync(join(out, png)).size).toBeGreaterThan(20_000);
  });
});
