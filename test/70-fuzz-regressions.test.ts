// Inputs the fuzz campaign (test/fuzz, `npm run fuzz`) found crashing or hanging the model readers, kept as
// regressions: each is checked for its exact error/skip here, and every saved input is replayed through the
// campaign's child-process harness (time limit, `ulimit -v`, memory accounting), so a fault that comes back
// fails this file instead of the Node process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTensors, openModel } from '../src/index.js';

const REG = join('test', 'fixtures', 'fuzz-regressions');

describe('fuzz regressions (ONNX)', () => {
  it('dims [30000, 30000] with one float_data value: E_FORMAT on read, before allocating 3.6 GB', async () => {
    const m = await openModel(join(REG, 'onnx', 'min-typed-huge-dims', 'model.onnx'));
    expect(m.tensors.map((t) => t.shape)).toEqual([[30000, 30000]]);
    const ab0 = process.memoryUsage().arrayBuffers;
    await expect(m.read('W')).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/tensor 'W': 1 stored values but the shape needs 900000000/) });
    expect(process.memoryUsage().arrayBuffers - ab0).toBeLessThan(2 ** 20);
  });

  it('LSTM W with 1e9 or 1e6 directions: skipped with a reason at once, not one part per direction', async () => {
    for (const [dir, n] of [['min-lstm-directions', 1_000_000_000], ['min-lstm-million-directions', 1_000_000]] as const) {
      const t0 = performance.now();
      const l = await listTensors(join(REG, 'onnx', dir, 'model.onnx'));
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(l.tensors).toEqual([]);
      expect(l.skipped).toEqual([{ name: 'W', reason: `LSTM weight has ${n} directions (ONNX allows 1 or 2)` }]);
    }
  });

  it('every saved input replays through the fuzz harness without a finding', () => {
    // the harness's children load dist/ (npm test builds it first, in its pretest step)
    const r = spawnSync(process.execPath, [join('test', 'fuzz', 'run.mjs'), '--replay', REG, '--timeout-ms', '10000'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/replay: \d+ saved inputs, 0 findings/);
    expect(r.status).toBe(0);
  });
});
