// Fit quality against scipy/mpmath (test/fixtures/workflows/generate_fitquality.py): the MLE fits of the
// truncated power law, lognormal and exponential on the tail, the likelihood-ratio tests, and the known
// parameters the samples were drawn with; Clauset's bootstrap p-value is seeded and tells power-law data
// from exponential data.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, fitQuality } from '../src/index.js';
import { run } from './helpers/child.js';
import { erfc, logUpperGamma } from '../src/fit/special.js';

const ref = JSON.parse(fs.readFileSync('test/fixtures/workflows/fitquality.json', 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('fitQuality', () => {
  it('special functions: ln Γ(a, z) for negative a as mpmath, erfc as scipy', () => {
    for (const [a, z, v] of ref.upper_gamma) expect(rel(logUpperGamma(a, z), v), `${a},${z}`).toBeLessThan(1e-9);
    for (const [x, v] of ref.erfc) expect(rel(erfc(x), v), String(x)).toBeLessThan(1e-12);
  });

  for (const name of ['powerlaw', 'exponential', 'lognormal', 'truncated']) {
    it(`${name} sample: fits and likelihood ratios as scipy`, () => {
      const c = ref.cases[name];
      const q = fitQuality(c.x, { powerLaw: { xmin: ref.xmin, threshold: 0 } });
      expect(q.status).toBe('success');
      expect(q.n).toBe(c.x.length);
      expect(q.xmin).toBe(c.xmin);
      expect(rel(q.alpha, c.alpha)).toBeLessThan(1e-12);
      expect(rel(q.exponential.lambda, c.exp_lambda)).toBeLessThan(1e-12);
      expect(rel(q.logLik.powerLaw, c.loglik.pl)).toBeLessThan(1e-10);
      expect(rel(q.logLik.exponential, c.loglik.exp)).toBeLessThan(1e-10);
      // optimisers stop at slightly different points: the maximised log-likelihood agrees closely
      expect(Math.abs(q.logLik.lognormal - c.loglik.ln)).toBeLessThan(1e-6);
      expect(Math.abs(q.logLik.truncatedPowerLaw - c.loglik.tpl)).toBeLessThan(1e-5);
      expect(q.logLik.truncatedPowerLaw).toBeGreaterThanOrEqual(q.logLik.powerLaw - 1e-6); // nests the power law
      expect(Math.abs(q.lognormal.mu - c.ln_mu)).toBeLessThan(1e-3 * (1 + Math.abs(c.ln_mu)));
      expect(rel(q.lognormal.sigma, c.ln_sigma)).toBeLessThan(1e-3);
      expect(Math.abs(q.vsLognormal.R - c.vs_ln[0])).toBeLessThan(1e-5);
      expect(Math.abs(q.vsLognormal.p - c.vs_ln[1])).toBeLessThan(1e-5);
      expect(Math.abs(q.vsExponential.R - c.vs_exp[0])).toBeLessThan(1e-8);
      expect(Math.abs(q.vsExponential.p - c.vs_exp[1])).toBeLessThan(1e-8);
      expect(Math.abs(q.vsTruncatedPowerLaw.R - c.vs_tpl[0])).toBeLessThan(1e-4);
      expect(q.vsTruncatedPowerLaw.nested).toBe(true);
    });
  }

  it('recovers the parameters the samples were drawn with, and the tests pick the right family', () => {
    const fq = (n: string) => fitQuality(ref.cases[n].x, { powerLaw: { xmin: 1, threshold: 0 } });
    const pl = fq('powerlaw');
    expect(Math.abs(pl.alpha - 2.5)).toBeLessThan(4 * (1.5 / Math.sqrt(1000))); // σ_α = (α−1)/√n
    expect(pl.vsExponential.R).toBeGreaterThan(0);
    expect(pl.vsExponential.p).toBeLessThan(0.01);
    const ex = fq('exponential');
    expect(Math.abs(ex.exponential.lambda - 1.5)).toBeLessThan(4 * (1.5 / Math.sqrt(1000)));
    expect(ex.vsExponential.R).toBeLessThan(0);
    expect(ex.vsExponential.p).toBeLessThan(0.01);
    const ln = fq('lognormal');
    expect(Math.abs(ln.lognormal.mu - 0.5)).toBeLessThan(0.25);
    expect(Math.abs(ln.lognormal.sigma - 0.8)).toBeLessThan(0.15);
    expect(ln.vsLognormal.R).toBeLessThan(0);
    const tp = fq('truncated');
    expect(Math.abs(tp.truncatedPowerLaw.alpha - 1.7)).toBeLessThan(0.3);
    expect(Math.abs(tp.truncatedPowerLaw.lambda - 0.2)).toBeLessThan(0.12);
    expect(tp.vsTruncatedPowerLaw.R).toBeLessThan(0);
    expect(tp.vsTruncatedPowerLaw.p).toBeLessThan(0.01);
  });

  it("Clauset's bootstrap: seeded, plausible for power-law data, rejected for exponential data", () => {
    const opts = { powerLaw: { xmin: 1, threshold: 0 }, bootstrap: 40, seed: 3 };
    const a = fitQuality(ref.cases.powerlaw.x, opts);
    expect(a.gof).toEqual(fitQuality(ref.cases.powerlaw.x, opts).gof);
    expect(a.gof!.bootstraps).toBe(40);
    expect(a.gof!.p).toBeGreaterThan(0.1);
    expect(fitQuality(ref.cases.exponential.x, opts).gof!.p).toBeLessThan(0.05);
    expect(() => fitQuality(ref.cases.powerlaw.x, { bootstrap: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(fitQuality([2, 2, 2, 2, 2]).status).toBe('failed');
  });

  it("analyze's 'fit-quality' metric and the CLI's --fit-quality give the layer's likelihood ratios", async () => {
    let s = 5;
    const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    const W = { data: Float64Array.from({ length: 300 * 150 }, () => Math.tan(Math.PI * (u() - 0.5))), shape: [300, 150] as [number, number] };
    const r = await analyze([{ name: 'w', W }], { metrics: ['fit-quality'], keepEsd: true, fitQualityBootstrap: 5, seed: 2 });
    const l = r.layers[0];
    const q = fitQuality(r.esd!.get('w')!, { powerLaw: { xmin: l.xmin }, bootstrap: 5, seed: 2 });
    expect(q.alpha).toBeCloseTo(l.alpha, 12);
    expect(l.plVsTplR).toBe(q.vsTruncatedPowerLaw.R);
    expect(l.plVsLognormalP).toBe(q.vsLognormal.p);
    expect(l.plVsExponentialR).toBe(q.vsExponential.R);
    expect(l.plGofP).toBe(q.gof!.p);
    expect(JSON.parse(JSON.stringify(l))).toHaveProperty('pl_vs_tpl_r', q.vsTruncatedPowerLaw.R);
    const c = await run(process.execPath, ['dist/cli/main.js', 'analyze', 'test/fixtures/workflows/base.safetensors', '--fit-quality', '--json', '--min-evals', '20', '--no-progress']);
    expect(c.status, c.stderr).toBe(0);
    const doc = JSON.parse(c.stdout);
    expect(doc.layers.some((x: Record<string, unknown>) => typeof x.pl_vs_exponential_r === 'number')).toBe(true);
  });
});
