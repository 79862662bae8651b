// `analyze --resume` (issue 17 item 2): a run killed with SIGKILL in the middle of a model and resumed ends
// with the rows of an uninterrupted run, analysing each layer once; a cut last line is dropped; a log of
// another analysis is refused.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';
import { fixturesDir } from './helpers/reference.js';

const main = join(process.cwd(), 'dist', 'cli', 'main.js');
const env = { ...process.env, WEIGHTSCOPE_DEBUG: '', COLUMNS: '' };
// one BLAS thread everywhere: the same thread count in every run, so the runs compute bit-identical spectra
const cli = (args: string[]) => run(process.execPath, [main, ...args, '--threads', '1'], { env, timeoutMs: 180_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'ws-resume-'));
const doc = (dir: string) => {
  const d = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8'));
  delete d.seconds;
  return d;
};
const records = (log: string) => readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('{"layer_id"')).map((l) => JSON.parse(l).layer_id as number);

/**
 * A workload that takes a few seconds (48 layers of 320×320 gesdd), so there is time to kill the run in the
 * middle. The data are a seeded LCG: what the run computes does not matter here, only that two runs agree.
 * Plain safetensors layout: u64 header length, JSON header, the raw little-endian F32 data.
 */
function writeWorkload(file: string): void {
  const [layers, n] = [48, 320];
  const header: Record<string, unknown> = {};
  for (let i = 0; i < layers; i++) header[`h.${i}.weight`] = { dtype: 'F32', shape: [n, n], data_offsets: [i * n * n * 4, (i + 1) * n * n * 4] };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const data = new Float32Array(layers * n * n);
  let s = 12345;
  for (let k = 0; k < data.length; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[k] = (s / 2 ** 32 - 0.5) * (1 + ((k / (n * n)) | 0) % 5);
  }
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([len, Buffer.from(json), Buffer.from(data.buffer)]));
}

/** Starts `analyze --resume` and SIGKILLs it once its log holds `after` layers (before it ends). */
function killMidRun(model: string, out: string, after: number): Promise<{ signal: NodeJS.Signals | null; records: number[] }> {
  const log = join(out, 'layers.jsonl');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, 'analyze', model, '--out', out, '--resume', '--no-progress', '--threads', '1'], { env, stdio: 'ignore' });
    const timer = setInterval(() => {
      if (existsSync(log) && records(log).length >= after) {
        child.kill('SIGKILL');
        clearInterval(timer);
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(timer);
      resolve({ signal, records: existsSync(log) ? records(log) : [] });
    });
  });
}

describe('--resume', () => {
  it('a run killed with SIGKILL mid-model resumes to the rows of an uninterrupted run, each layer analysed once', async () => {
    const d = tmp();
    const model = join(d, 'workload.safetensors');
    writeWorkload(model);
    const whole = await cli(['analyze', model, '--json', '--no-progress', '--out', join(d, 'whole')]);
    expect(whole.status, whole.stderr).toBe(0);
    const total = doc(join(d, 'whole')).layers.length;
    expect(total).toBe(48);

    const out = join(d, 'killed');
    const killed = await killMidRun(model, out, 6);
    expect(killed.signal).toBe('SIGKILL');
    const before = killed.records.length;
    expect(before).toBeGreaterThanOrEqual(6);
    expect(before).toBeLessThan(total); // killed in the middle, not after the end
    expect(readFileSync(join(out, 'layers.jsonl'), 'utf8')).not.toMatch(/"end":/);
    expect(existsSync(join(out, 'layers.json'))).toBe(false);

    const resumed = await cli(['analyze', model, '--json', '--no-progress', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(doc(out)).toEqual(doc(join(d, 'whole')));
    expect(readFileSync(join(out, 'layers.csv'), 'utf8')).toBe(readFileSync(join(d, 'whole', 'layers.csv'), 'utf8'));
    const strip = (s: string) => s.replace(/"seconds": [^,]+,/, '');
    expect(strip(resumed.stdout)).toBe(strip(whole.stdout));
    // the layers done before the kill were not analysed again: each layer id is in the log once
    const ids = records(join(out, 'layers.jsonl'));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(ids.slice(0, before)).toEqual(killed.records);

    // resuming a finished log analyses nothing and gives the same rows again
    const again = await cli(['analyze', model, '--no-progress', '--out', out, '--resume', '--json']);
    expect(again.status).toBe(0);
    expect(records(join(out, 'layers.jsonl'))).toHaveLength(total);
    expect(doc(out)).toEqual(doc(join(d, 'whole')));
  });

  it('a cut last line is dropped and that layer redone; copies, failed layers and skips come out as in one run', async () => {
    const d = tmp();
    const dups = join(fixturesDir, 'scale', 'dups.safetensors');
    const whole = await cli(['analyze', dups, '--no-progress', '--out', join(d, 'whole')]);
    expect(whole.status).toBe(0);
    const out = join(d, 'cut');
    const first = await cli(['analyze', dups, '--no-progress', '--out', out, '--resume']);
    expect(first.status).toBe(0);
    // keep the header and the first 5 layers, then half of the 6th line (a kill while writing it)
    const lines = readFileSync(join(out, 'layers.jsonl'), 'utf8').split('\n');
    writeFileSync(join(out, 'layers.jsonl'), lines.slice(0, 6).join('\n') + '\n' + lines[6].slice(0, lines[6].length >> 1));
    const resumed = await cli(['analyze', dups, '--no-progress', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(doc(out)).toEqual(doc(join(d, 'whole')));
    const ids = records(join(out, 'layers.jsonl'));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a log of another analysis is refused (exit 1), --resume needs --out (exit 2)', async () => {
    const d = tmp();
    const dups = join(fixturesDir, 'scale', 'dups.safetensors');
    expect((await cli(['analyze', dups, '--no-progress', '--out', d, '--resume'])).status).toBe(0);
    const other = await cli(['analyze', dups, '--no-progress', '--out', d, '--resume', '--metrics', 'mp']);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^weightscope: E_FORMAT: --resume: .*layers\.jsonl was written for other options \(metrics\); remove it or choose another --out\n$/);
    const llama = await cli(['analyze', join(fixturesDir, 'hf', 'llama'), '--no-progress', '--out', d, '--resume']);
    expect(llama.status).toBe(1);
    expect(llama.stderr).toMatch(/was written for another model/);
    const noOut = await cli(['analyze', dups, '--resume']);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/--resume needs --out DIR/);
  });
});
