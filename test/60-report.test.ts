// Report writers: the JSON document and its naming, table/CSV, terminal escaping and name shortening,
// depth order, plot file names, and the plot geometry (bins against numpy, ticks, the power-law line, the MP
// density) checked against closed forms.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import {
  depthOrder, displayWidth, elideMiddle, escapeControl, formatTable, layerRow, naturalCompare, plotFileName,
  reportToJson, shortenName, toCsv, toJson, type Json,
} from '../src/report/index.js';
import { chooseBinCount, equalEdges, fdBinCount, histogram } from '../src/report/svg/bins.js';
import { alphaHistogramSvg } from '../src/report/svg/alpha-hist.js';
import { depthPlotSvg } from '../src/report/svg/depth.js';
import { esdLinLin, esdLogLog, mpDensity } from '../src/report/svg/esd.js';
import { logTicks, formatTick } from '../src/report/svg/scale.js';
import { mulberry32 } from './helpers/prng.js';
import { fixturesDir } from './helpers/reference.js';

const rows = [
  { name: 'layer.0', alpha: 3.14159265, num_pl_spikes: 22, warning: '' },
  { name: 'layer, "quoted"', alpha: NaN, num_pl_spikes: 5, warning: 'under-trained' },
];
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
function py(script: string, input: unknown): unknown {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('table, CSV and JSON writers', () => {
  it('aligns columns: numbers right, text left; 4 significant digits', () => {
    const t = formatTable(rows).split('\n');
    expect(t[0]).toMatch(/^name\s+alpha\s+num_pl_spikes\s+warning$/);
    const end = t[0].indexOf('alpha') + 'alpha'.length;
    expect(t[2].slice(end - 5, end)).toBe('3.142');
    expect(t[3].slice(end - 3, end)).toBe('nan');
  });

  it('fits a width by shortening the name column, one line per row', () => {
    const long = [
      { name: 'model.layers.10.self_attn.q_proj.weight', alpha: 2.5 },
      { name: 'model.layers.2.mlp.down_proj.weight', alpha: 3.5 },
    ];
    for (const width of [30, 24]) {
      const lines = formatTable(long, ['name', 'alpha'], { width, minElided: 8 }).trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    }
    // block index and projection survive shortening
    expect(shortenName('model.layers.10.self_attn.q_proj.weight', 24)).toBe('m.l.10.s.q_proj.weight');
    expect(shortenName('model.layers.10.self_attn.q_proj.weight', 100)).toBe('model.layers.10.self_attn.q_proj.weight');
    expect(displayWidth(shortenName('x'.repeat(300), 20))).toBe(20);
  });

  it('escapes control characters and escape sequences in every cell', () => {
    const t = formatTable([{ name: 'evil\x1b[31mred\x07\x9b2J\u202e.w', note: 'a\nb' }]);
    expect(t).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(t).toContain('evil\\x1b[31mred\\x07\\x9b2J\\u{202e}.w');
    expect(t).toContain('a\\x0ab');
    expect(escapeControl('tab\there')).toBe('tab\\x09here');
    expect(escapeControl('plain-ünïcode_名前')).toBe('plain-ünïcode_名前');
  });

  it('measures wide characters as two cells and elides in the middle', () => {
    expect(displayWidth('名前ab')).toBe(6);
    expect(elideMiddle('abcdefghij', 5)).toBe('ab…ij');
    expect(displayWidth(elideMiddle('名前名前名前名前', 7))).toBeLessThanOrEqual(7);
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

describe('depth order', () => {
  it('compares digit runs as numbers: h.2 before h.10, any length', () => {
    const names = ['h.10.w', 'h.2.w', 'h.1.w', 'h.02.w', 'emb', 'h.9007199254740993.w', 'h.9007199254740992.w'];
    expect([...names].sort(naturalCompare)).toEqual(['emb', 'h.1.w', 'h.2.w', 'h.02.w', 'h.10.w', 'h.9007199254740992.w', 'h.9007199254740993.w']);
    expect(naturalCompare('a', 'a')).toBe(0);
  });

  it('uses layerId when every layer has one, the natural name order otherwise', () => {
    const a = [{ name: 'b', layerId: 0 }, { name: 'a', layerId: 1 }];
    expect(depthOrder(a).map((l) => l.name)).toEqual(['b', 'a']);
    expect(depthOrder([{ name: 'x.10' }, { name: 'x.2' }]).map((l) => l.name)).toEqual(['x.2', 'x.10']);
  });
});

describe('the JSON document (layers.json, --json)', async () => {
  const report = await analyze(join(fixturesDir, 'models', 'model_f32.safetensors'), { metrics: ['mp', 'rank', 'traps'] });
  const doc = reportToJson(report);
  // WeightWatcher's own column names keep their capitals
  const WW_NAMES = new Set(['N', 'M', 'Q', 'D', 'W_scale', 'detX_num', 'detX_val', 'rand_mp_ks_D', 'farms_D']);
  const badKeys = (v: Json, path: string, out: string[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => badKeys(x, `${path}[${i}]`, out));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (!/^[a-z][a-z0-9_]*$/.test(k) && !WW_NAMES.has(k)) out.push(`${path}.${k}`);
        badKeys(x, `${path}.${k}`, out);
      }
    return out;
  };

  it('is snake_case at every level: top-level fields, summary, layers, skipped', () => {
    expect(badKeys(doc, '', [])).toEqual([]);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['source', 'format', 'seconds', 'summary', 'layers', 'skipped']));
    expect(doc.format).toBe('safetensors');
    expect(Object.keys(doc.summary as object)).toEqual(expect.arrayContaining(['means', 'counts', 'num_layers', 'num_included', 'num_excluded', 'excluded']));
    expect(Object.keys((doc.summary as { means: object }).means)).toEqual(expect.arrayContaining(['alpha', 'alpha_weighted', 'log_spectral_norm', 'mp_softrank']));
  });

  it('has one layer_type field (the reader kind) and the same numbers as the JS report, in depth order', () => {
    const layers = doc.layers as Record<string, Json>[];
    const byName = new Map(report.layers.map((l) => [l.name, l]));
    expect(layers.map((l) => l.name)).toEqual(depthOrder(report.layers).map((l) => l.name));
    for (const l of layers) {
      expect(l).not.toHaveProperty('kind');
      const js = byName.get(l.name as string)!;
      expect(l.layer_type).toBe(js.kind);
      expect(l.alpha).toBe(js.alpha);
      expect(l.num_pl_spikes).toBe(js.numPlSpikes);
      expect(l.rand_num_spikes).toBe(js.randNumSpikes);
      expect(l.shape).toEqual(js.shape);
    }
  });

  it('flat rows carry the shape as AxB and the same fields', () => {
    const r = layerRow(report.layers[0]);
    expect(r.shape).toBe(report.layers[0].shape.join('x'));
    expect(r.layer_type).toBe(report.layers[0].kind);
    expect(r).not.toHaveProperty('kind');
  });
});

describe('plot file names', () => {
  it('are portable, bounded in length and unique: a/b, a:b and a_b are three files', () => {
    const used = new Set<string>();
    const files = ['a/b', 'a:b', 'a_b', 'x'.repeat(300), 'evil\x1b[31m', '名前', 'a/b'].map((n) => plotFileName(n, used));
    expect(new Set(files).size).toBe(files.length);
    for (const f of files) {
      expect(f).toMatch(/^[A-Za-z0-9._-]+\.svg$/);
      expect(f.length).toBeLessThanOrEqual(100);
    }
    expect(files[6]).toMatch(/-2\.svg$/); // the same name twice never overwrites
    expect(plotFileName('a/b', new Set())).toBe(files[0]); // deterministic
  });
});

describe('histogram bins and ticks', () => {
  const rand = mulberry32(5);
  const lognormal = Array.from({ length: 777 }, () => Math.exp(2 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()))).sort((a, b) => a - b);
  const logs = lognormal.map(Math.log10);

  it.skipIf(!numpy)(`Freedman–Diaconis count and counts per bin equal numpy's${numpy ? '' : ' (skipped: no numpy)'}`, () => {
    const want = py(`
import json, sys, numpy as np
x = np.array(json.load(sys.stdin))
e = np.histogram_bin_edges(x, bins='fd')
c, _ = np.histogram(x, bins=np.linspace(x.min(), x.max(), 41))
print(json.dumps({'fd': len(e) - 1, 'counts': c.tolist()}))`, logs) as { fd: number; counts: number[] };
    expect(fdBinCount(logs)).toBe(want.fd);
    expect(histogram(logs, equalEdges(logs[0], logs[logs.length - 1], 40))).toEqual(want.counts);
  });

  it('gives a short spectrum at least 20 bins (n/2 below 40 values) and the fitted tail at least 8', () => {
    const few = logs.filter((_, i) => i % 12 === 0); // 65 values
    const n = chooseBinCount(few, few[0], few[few.length - 1]);
    expect(n).toBeGreaterThanOrEqual(20);
    expect(chooseBinCount(few.slice(0, 20), few[0], few[19])).toBe(10);
    const span = few[few.length - 1] - few[0];
    const tail: [number, number] = [few[few.length - 8], few[few.length - 1]];
    const nt = chooseBinCount(few, few[0], few[few.length - 1], tail);
    expect(((tail[1] - tail[0]) / span) * nt).toBeGreaterThanOrEqual(8 - 1e-9);
  });

  it('labels a log axis also when its range is under a decade', () => {
    expect(logTicks(1e-5, 1e3)).toEqual([1e-5, 1e-3, 1e-1, 10, 1000]);
    expect(logTicks(3, 40)).toEqual([5, 10, 20]);
    expect(logTicks(2, 9)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(logTicks(0.9, 1.1).length).toBeGreaterThanOrEqual(3);
    expect(logTicks(0.9, 1.1).every((t) => t >= 0.9 && t <= 1.1)).toBe(true);
    expect(formatTick(1e-5)).toBe('1e-5');
    expect(formatTick(0.02)).toBe('0.02');
    expect(formatTick(25000)).toBe('25000');
    expect(formatTick(2.5e6)).toBe('2.5e6');
  });
});

/** Pareto(α) eigenvalues above xmin = 1 (inverse CDF on a regular grid: no sampling noise), a bulk below. */
function paretoSpectrum(alpha: number, tail: number, bulk: number, tiny = 0): number[] {
  const t = Array.from({ length: tail }, (_, i) => (1 - (i + 0.5) / tail) ** (-1 / (alpha - 1)));
  const b = Array.from({ length: bulk }, (_, i) => 0.05 + (0.9 * (i + 0.5)) / bulk);
  return [...Array.from({ length: tiny }, (_, i) => 1e-7 * (i + 1)), ...b, ...t];
}

function lineOf(svg: string) {
  const m = /<line class="fit" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(svg);
  return m ? m.slice(1).map(Number) : null;
}

describe('ESD plots', () => {
  const evals = paretoSpectrum(3, 60, 200, 7);
  const alpha = 3;
  const xmin = 1;
  const xmax = Math.max(...evals);

  it('draws the power law from xmin to xmax, with slope −α in log-log and the tail share as its height', () => {
    const v = esdLogLog({ evals, alpha, xmin, xmax, id: 't' });
    const [x1, y1, x2, y2] = lineOf(v.body)!;
    const [l1, l2] = [v.x!.invert(x1), v.x!.invert(x2)];
    const [d1, d2] = [v.y!.invert(y1), v.y!.invert(y2)];
    // pixel coordinates carry 0.1 px: about 0.4% in λ on this axis
    expect(l1).toBeGreaterThanOrEqual(xmin * 0.99);
    expect(l2).toBeLessThanOrEqual(xmax * 1.01);
    expect(Math.log10(d2 / d1) / Math.log10(l2 / l1)).toBeCloseTo(-alpha, 2);
    // density of the fitted tail: (k/n)·(α−1)/xmin·(λ/xmin)^−α with k = 60 of n = 260 shown eigenvalues
    expect(d1 / ((60 / 260) * ((alpha - 1) / xmin) * (l1 / xmin) ** -alpha)).toBeCloseTo(1, 2);
  });

  it('clips the line to the frame and keeps eigenvalues ≤ 1e-5 out of the x-range, counted in a note', () => {
    const v = esdLogLog({ evals, alpha: 1.05, xmin, xmax: 1e9, id: 't' });
    const [x1, y1, x2, y2] = lineOf(v.body)!;
    for (const [x, y] of [[x1, y1], [x2, y2]]) {
      expect(v.x!.invert(x)).toBeGreaterThanOrEqual(v.x!.lo * 0.99);
      expect(v.x!.invert(x)).toBeLessThanOrEqual(v.x!.hi * 1.01);
      expect(v.y!.invert(y)).toBeGreaterThanOrEqual(v.y!.lo * 0.99);
      expect(v.y!.invert(y)).toBeLessThanOrEqual(v.y!.hi * 1.01);
    }
    expect(v.x!.lo).toBeGreaterThan(0.04); // the bulk starts at 0.05; the 7 tiny values are not on the axis
    expect(v.notes).toContain('7 of 267 eigenvalues ≤ 1e-5 not shown (the fit drops them)');
  });

  it('says when the MP edge lies outside the frame and draws it when inside', () => {
    const mp = { Q: 4, sigmaMp: 1, bulkMin: 0.2, bulkMax: 500 };
    const out = esdLogLog({ evals, mp, id: 't' });
    expect(out.body).not.toContain('class="mp-edge"');
    expect(out.notes.join()).toMatch(/MP bulk edge λ\+ = 500 lies above λ_max/);
    const inside = esdLogLog({ evals, mp: { ...mp, bulkMax: 0.9 }, id: 't' });
    expect(inside.body).toContain('class="mp-edge"');
    expect(inside.notes.join()).not.toMatch(/MP bulk edge/);
    const lin = esdLinLin({ evals, mp: { ...mp, bulkMax: 0.9 }, id: 't' });
    expect(lin.body).toContain('class="mp"');
  });

  it('the MP density in λ units integrates to n_all / n_shown (Q = 4 and the Q = 1 quarter circle)', () => {
    for (const Q of [4, 1]) {
      const sigma = 0.8;
      const b = (sigma * (1 + 1 / Math.sqrt(Q))) ** 2;
      const bulkMax = b / 2.5; // a rescaling x = 2.5 λ
      const d = mpDensity({ mp: { Q, sigmaMp: sigma, bulkMin: 0, bulkMax } }, { nAll: 300, shown: { length: 250 } })!;
      const n = 200_000;
      let s = 0;
      const h = (d.hi - d.lo) / n;
      for (let i = 0; i < n; i++) s += d.f(d.lo + (i + 0.5) * h) * h; // midpoint rule: the edges are integrable singularities
      // Q = 1 follows WeightWatcher's quarter circle, whose mass is 1/σ²
      expect(s).toBeCloseTo((300 / 250) * (Q === 1 ? 1 / sigma ** 2 : 1), 2);
    }
  });

  it('the randomised ESD is overlaid when given; an empty ESD says so without NaN coordinates', () => {
    expect(esdLogLog({ evals, randEvals: evals.map((v) => v * 0.7), id: 't' }).body).toContain('class="rand"');
    const empty = esdLogLog({ evals: [0, 0, 1e-9], id: 't' });
    expect(empty.body).toContain('fewer than 2 eigenvalues above 1e-5');
    expect(empty.body).not.toContain('NaN');
  });

  it('labels an x-axis spanning under a decade', () => {
    const narrow = Array.from({ length: 100 }, (_, i) => 1 + (i / 99) * 1.5);
    const v = esdLogLog({ evals: narrow, id: 't' });
    expect(v.x!.ticks.filter((t) => t >= v.x!.lo && t <= v.x!.hi).length).toBeGreaterThanOrEqual(2);
    expect((v.body.match(/class="tick"/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});

describe('models with more layers than a call takes arguments', () => {
  it('the table, the α histogram and the depth plot take 200 000 layers', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ({ name: `experts.${i}.w`, alpha: 2 + (i % 50) / 10 }));
    expect(formatTable(many, ['name', 'alpha'], { width: 80 }).split('\n')).toHaveLength(200_003);
    expect(alphaHistogramSvg(many.map((l) => l.alpha))).toContain('200000 fitted layers');
    const pts = many.map((l) => ({ name: l.name, type: 'dense', value: l.alpha }));
    expect((depthPlotSvg(pts, { key: 'alpha', label: 'α' }).match(/class="pt"/g) ?? []).length).toBe(200_000);
  });
});

describe('depth plot', () => {
  it('has one mark per layer: a point, a ▲ above the frame, a × for a missing value', () => {
    const svg = depthPlotSvg(
      [
        { name: 'a', type: 'dense', value: 3 },
        { name: 'b', type: 'conv2d', value: 40 },
        { name: 'c', type: 'dense', value: NaN, note: 'fit failed' },
      ],
      { key: 'alpha', label: 'α' },
    );
    expect((svg.match(/class="pt[ "]/g) ?? []).length).toBe(3);
    expect(svg).toContain('class="pt above"');
    expect(svg).toContain('class="pt missing"');
    expect(svg).toContain('class="band good"');
    expect(svg).toContain('c: no α (fit failed)');
  });
});
