// The CLI as users run it: the compiled dist/cli/main.js (npm test builds dist/ first). Output formats,
// the flags, what reaches stdout and stderr, the --out files, exit codes and one-line errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';
import { fixturesDir } from './helpers/reference.js';

const main = join(process.cwd(), 'dist', 'cli', 'main.js');
// a child run asynchronously (test/helpers/child.ts): a spawnSync would block the vitest worker's RPC
async function cli(args: string[], env: Record<string, string> = {}) {
  const r = await run(process.execPath, [main, ...args], { timeoutMs: 120_000, env: { ...process.env, WEIGHTSCOPE_DEBUG: '', COLUMNS: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const model = join(fixturesDir, 'models', 'model_f32.safetensors');
const names = join(fixturesDir, 'models', 'names.safetensors');
const namesExpected = JSON.parse(readFileSync(join(fixturesDir, 'models', 'names_expected.json'), 'utf8')).lambda_max as Record<string, number>;
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
const tmp = () => mkdtempSync(join(tmpdir(), 'ws-cli-'));

describe('weightscope CLI', () => {
  it('--help lists the commands and flags, --version prints the package version', async () => {
    const h = (await cli(['--help']));
    expect(h.code).toBe(0);
    for (const c of ['analyze', 'demo', 'bench', 'backends']) expect(h.out).toContain(c);
    const a = (await cli(['analyze', '--help'])).out;
    for (const f of ['--format', '--columns', '--out', '--html', '--plots', '--farms', '--min-evals', '--max-evals', '--max-n', '--types', '--xmin', '--seed'])
      expect(a).toContain(f);
    const v = (await cli(['--version']));
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe(version);
  });

  it('prints one line per layer in 100 columns by default, in depth order, with the summary', async () => {
    const t = (await cli(['analyze', names, '--no-progress']));
    expect(t.code).toBe(0);
    expect(t.err).toBe('');
    const lines = t.out.split('\n');
    expect(lines[0]).toMatch(/^name\s+layer_type\s+shape\s+alpha\s+D\s+stable_rank\s+mp_softrank\s+warning$/);
    const table = lines.slice(2, lines.indexOf(''));
    expect(table).toHaveLength(Object.keys(namesExpected).length);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    // block 2 before block 10 (the file stores them lexicographically)
    const blocks = table.map((l) => /^m\S*\.(\d+)\./.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(blocks).toEqual([0, 0, 1, 1, 2, 2, 10, 10]);
    expect(t.out).toMatch(/15 layers analysed, 1 tensor not analysed/);
    expect(t.out).toMatch(/summary \(means over 15 fitted layers\):/);
  });

  it('escapes control characters and escape sequences in names', async () => {
    const t = (await cli(['analyze', names, '--no-progress']));
    expect(t.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(t.out).toContain('evil\\x1b[31m');
    expect(t.out).toContain('bidi\\u{202e}txt');
  });

  it('--json carries what layers.json carries, snake_case, with λ_max as numpy computes it', async () => {
    const dir = tmp();
    const j = (await cli(['analyze', names, '--json', '--no-progress', '--out', dir]));
    expect(j.code).toBe(0);
    expect(j.err).toBe('');
    const doc = JSON.parse(j.out);
    const file = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8'));
    delete doc.seconds;
    delete file.seconds;
    expect(file).toEqual(doc);
    expect(doc.format).toBe('safetensors');
    expect(doc.summary).toHaveProperty('num_included', 15);
    for (const l of doc.layers) {
      expect(l).toHaveProperty('layer_type', 'dense');
      expect(l).not.toHaveProperty('kind');
      expect(l.lambda_max / namesExpected[l.name] - 1).toBeLessThan(1e-5); // float32 LAPACK vs numpy float64
      expect(namesExpected[l.name] / l.lambda_max - 1).toBeLessThan(1e-5);
    }
    expect((await cli(['analyze', names, '--format', 'json', '--no-progress'])).out.replace(/"seconds": [\d.e-]+/, '')).toBe(j.out.replace(/"seconds": [\d.e-]+/, ''));
  });

  it('CSV has a header and one row per layer; --csv is --format csv', async () => {
    const c = (await cli(['analyze', model, '--format', 'csv', '--no-progress']));
    const lines = c.out.trim().split('\r\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['name', 'layer_type', 'alpha', 'num_pl_spikes']));
    expect(lines.length).toBe(1 + JSON.parse((await cli(['analyze', model, '--json', '--no-progress'])).out).layers.length);
    expect((await cli(['analyze', model, '--csv', '--no-progress'])).out).toBe(c.out);
  });

  it('shows the metrics asked for: --metrics traps adds rand_num_spikes, --farms farms_alpha', async () => {
    const t = (await cli(['analyze', model, '--no-progress', '--metrics', 'mp,rank,traps', '--farms', 'llm']));
    expect(t.code).toBe(0);
    expect(t.out.split('\n')[0]).toMatch(/\brand_num_spikes\b.*\bfarms_alpha\b/);
    for (const l of t.out.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('--columns picks the columns (names, default, all); an unknown one is a usage error', async () => {
    const t = (await cli(['analyze', model, '--no-progress', '--columns', 'name,alpha,lambda_max']));
    expect(t.out.split('\n')[0]).toMatch(/^name\s+alpha\s+lambda_max$/);
    const all = (await cli(['analyze', model, '--no-progress', '--columns', 'all']));
    expect(all.out.split('\n')[0]).toMatch(/\bnum_pl_spikes\b.*\bentropy\b/);
    const d = (await cli(['analyze', model, '--no-progress', '--columns', 'default,lambda_max']));
    expect(d.out.split('\n')[0]).toMatch(/^name\s+layer_type.*warning\s+lambda_max$/);
    const bad = (await cli(['analyze', model, '--columns', 'name,frobnicity']));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown column 'frobnicity'/);
  });

  it('--min-evals, --max-evals, --max-n, --types, --xmin and --seed reach the analysis', async () => {
    const j = async (args: string[]) => JSON.parse((await cli(['analyze', names, '--json', '--no-progress', ...args])).out);
    const min = (await j(['--min-evals', '17'])); // every layer has M = 16
    expect(min.layers).toHaveLength(0);
    expect(min.skipped.filter((s: { reason: string }) => /minEvals = 17/.test(s.reason))).toHaveLength(15);
    expect((await j(['--max-evals', '15'])).layers).toHaveLength(0);
    expect((await j(['--max-n', '39'])).layers).toHaveLength(0);
    const none = (await cli(['analyze', names, '--types', 'conv2d']));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no layer matches the filters/);
    expect((await j(['--types', 'dense,conv2d'])).layers).toHaveLength(15);
    expect(new Set((await j(['--xmin', 'mid'])).layers.map((l: { xmin_rule: string }) => l.xmin_rule))).toEqual(new Set(['mid']));
    const seeded = async (seed: string) => (await j(['--metrics', 'mp,traps', '--seed', seed])).layers.map((l: { rand_distance: number }) => l.rand_distance);
    expect(await seeded('3')).toEqual(await seeded('3'));
    expect(await seeded('3')).not.toEqual(await seeded('4'));
    expect((await cli(['analyze', names, '--xmin', 'huge'])).code).toBe(2);
    expect((await cli(['analyze', names, '--types', 'dense,lstm'])).code).toBe(2);
    expect((await cli(['analyze', names, '--min-evals', '0'])).code).toBe(2);
  });

  it('progress: plain lines with an ETA on stderr when not a TTY, never on stdout; --no-progress is quiet', async () => {
    const r = (await cli(['analyze', names, '--format', 'json']));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\[1\/15, ETA \d+ s\] /m);
    expect(r.err).toMatch(/^\[15\/15\] /m);
    expect(r.err).not.toContain('\x1b');
    expect(() => JSON.parse(r.out)).not.toThrow();
  });

  it('--out with --html and --plots: one line says where the files went; plot names are safe and unique', async () => {
    const dir = tmp();
    const r = (await cli(['analyze', names, '--out', dir, '--html', '--plots', '--no-progress']));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.trim().split('\n').pop()).toBe(`wrote layers.json, layers.csv, report.html, 15 SVG plots in plots/ to ${dir}`);
    const plots = readdirSync(join(dir, 'plots')).filter((f) => f.endsWith('.svg'));
    expect(plots).toHaveLength(15); // a/b, a:b, a_b and the 300-character name each get their own file
    for (const f of plots) {
      expect(f).toMatch(/^[A-Za-z0-9._-]+\.svg$/);
      expect(f.length).toBeLessThanOrEqual(100);
      expect(readFileSync(join(dir, 'plots', f), 'utf8')).not.toContain('\x1b');
    }
    const index = JSON.parse(readFileSync(join(dir, 'plots', 'index.json'), 'utf8')) as { name: string; file: string }[];
    expect(index.map((p) => p.name).sort()).toEqual(Object.keys(namesExpected).sort());
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const p of index) expect(html).toContain(`href="${encodeURI(`plots/${p.file}`)}"`);
    // JSON and CSV next to JSON output: the line goes to stderr, and --no-progress silences it
    const j = (await cli(['analyze', names, '--json', '--out', tmp()]));
    expect(j.err.trim().split('\n').pop()).toMatch(/^wrote layers\.json, layers\.csv to /);
    expect((await cli(['analyze', names, '--json', '--out', tmp(), '--no-progress'])).err).toBe('');
  });

  it('exit codes: 2 for usage errors, 1 for analysis errors, one line without a stack unless --debug', async () => {
    expect((await cli(['analyze', model, '--format', 'xml'])).code).toBe(2);
    const missing = (await cli(['analyze', '/nonexistent.safetensors']));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
    const regex = (await cli(['analyze', model, '--layers', '(']));
    expect(regex.code).toBe(2);
    expect(regex.err.trim().split('\n')[0]).toMatch(/^weightscope: --layers: not a regular expression/);
    const bad = join(tmp(), 'bad.safetensors');
    writeFileSync(bad, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    const a = (await cli(['analyze', bad]));
    expect(a.code).toBe(1);
    expect(a.err.trim().split('\n')).toHaveLength(1);
    expect(a.err).toMatch(/^weightscope: E_FORMAT: /);
    const d = (await cli(['--debug', 'analyze', bad]));
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/\n\s+at /);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['analyze', model, '--html'])).code).toBe(2); // --html needs --out
  });

  it('backends prints the CPU backend as JSON; without a loadable binary, one line and exit 1', async () => {
    const b = (await cli(['backends']));
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).cpu.library).toBe('OpenBLAS');
    const none = (await cli(['backends'], { WEIGHTSCOPE_ADDON: join(tmpdir(), 'no-such-addon.node') }));
    expect(none.code).toBe(1);
    expect(none.err.trim().split('\n')).toHaveLength(1);
    expect(none.err).toMatch(/^weightscope: could not load the native addon .*npm rebuild weightscope/);
    expect((await cli(['--help'], { WEIGHTSCOPE_ADDON: '/nonexistent.node' })).code).toBe(0);
    expect(existsSync(main)).toBe(true);
  });
});
