import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from './helpers/reference.js';

// The CLI as users run it: the compiled dist/cli/main.js (npm test builds dist/ first).
const main = join(process.cwd(), 'dist', 'cli', 'main.js');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, WEIGHTSCOPE_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const model = join(fixturesDir, 'models', 'model_f32.safetensors');
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

describe('weightscope CLI', () => {
  it('--help lists the commands, --version prints the package version', () => {
    const h = cli('--help');
    expect(h.code).toBe(0);
    for (const c of ['analyze', 'demo', 'bench', 'backends']) expect(h.out).toContain(c);
    expect(cli('analyze', '--help').out).toMatch(/--format <format>[\s\S]*--out <dir>[\s\S]*--html[\s\S]*--farms/);
    const v = cli('--version');
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe(version);
  });

  it('analyze prints a table, JSON or CSV of the layers', () => {
    const t = cli('analyze', model, '--no-progress');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^name\s+kind\s+shape/m);
    expect(t.out).toMatch(/layers analysed/);
    const j = cli('analyze', model, '--format', 'json', '--no-progress');
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out);
    expect(doc.layers.length).toBeGreaterThan(0);
    for (const l of doc.layers) {
      expect(typeof l.alpha).toBe('number');
      expect(l).toHaveProperty('num_pl_spikes');
      expect(l).toHaveProperty('mp_softrank');
    }
    const c = cli('analyze', model, '--format', 'csv', '--no-progress');
    const lines = c.out.trim().split('\r\n');
    expect(lines[0].split(',')).toContain('alpha');
    expect(lines.length).toBe(doc.layers.length + 1);
    // --json and --csv are shorthands for --format json / csv
    expect(cli('analyze', model, '--json', '--no-progress').out).toBe(j.out);
    expect(cli('analyze', model, '--csv', '--no-progress').out).toBe(c.out);
  });

  it('progress goes to stderr as plain lines when not a TTY, never to stdout', () => {
    const r = cli('analyze', model, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\[1\/\d+\] /m);
    expect(() => JSON.parse(r.out)).not.toThrow();
  });

  it('--out with --html and --plots writes the report files', () => {
    const out = mkdtempSync(join(tmpdir(), 'ws-cli-'));
    const r = cli('analyze', model, '--out', out, '--html', '--plots', '--no-progress');
    expect(r.code).toBe(0);
    for (const f of ['layers.json', 'layers.csv', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('mean_alpha');
  });

  it('exit codes: 2 for usage errors, 1 for analysis errors, one line without a stack unless --debug', () => {
    const u = cli('analyze', model, '--format', 'xml');
    expect(u.code).toBe(2);
    const missing = cli('analyze', '/nonexistent.safetensors');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
    const bad = join(mkdtempSync(join(tmpdir(), 'ws-cli-')), 'bad.safetensors');
    writeFileSync(bad, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    const a = cli('analyze', bad);
    expect(a.code).toBe(1);
    expect(a.err.trim().split('\n')).toHaveLength(1);
    expect(a.err).toMatch(/^weightscope: E_FORMAT: /);
    const d = cli('--debug', 'analyze', bad);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/\n\s+at /);
    expect(cli('frobnicate').code).toBe(2);
  });

  it('backends prints the CPU backend as JSON', () => {
    const b = cli('backends');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).cpu.library).toBe('OpenBLAS');
  });
});
