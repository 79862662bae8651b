// Inputs the fuzz campaign (test/fuzz, `npm run fuzz`) found crashing or hanging the model readers, kept as
// regressions: each is checked for its exact error/skip here, and every saved input is replayed through the
// campaign's child-process harness (time limit, `ulimit -v`, memory accounting), so a fault that comes back
// fails this file instead of the Node process.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from './helpers/child.js';
import { analyze, esd, listTensors, openModel } from '../src/index.js';
import { exponentOf, ldexp } from '../src/esd/scale.js';

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

  it('every saved input replays through the fuzz harness without a finding', async () => {
    // the harness's children load dist/ (npm test builds it first, in its pretest step); awaited, not
    // spawnSync: a blocked vitest worker times out its own RPC on a loaded machine
    const r = await run(process.execPath, [join('test', 'fuzz', 'run.mjs'), '--replay', REG, '--timeout-ms', '10000'], { timeoutMs: 120_000 });
    expect(r.stdout).toMatch(/replay: \d+ saved inputs, 0 findings/);
    expect(r.status).toBe(0);
  });
});

describe('fuzz regressions (safetensors)', () => {
  it('a conv2d kernel holding +Infinity is E_NONFINITE with its position on every route, not a hang', async () => {
    const file = join(REG, 'safetensors', 'min-conv2d-infinity', 'model.safetensors');
    for (const opts of [{}, { method: 'gram' as const }, { method: 'gesdd' as const }]) {
      const r = await analyze(file, { ...opts, minEvals: 1 });
      expect(r.layers).toEqual([]);
      expect(r.skipped).toEqual([{ name: 'conv.weight', reason: expect.stringMatching(/^E_NONFINITE: .*\+Infinity at \[/) }]);
    }
    const [t] = (await openModel(file)).tensors;
    const W = { data: (await (await openModel(file)).read(t.name)).data, shape: t.shape };
    await expect(esd(W as never, { layerType: 'conv2d', method: 'gram', minEvals: 1 })).rejects.toMatchObject({ code: 'E_NONFINITE' });
  });

  it('the scale helpers return at once for non-finite values (they looped on Infinity)', () => {
    expect(exponentOf(Infinity)).toBe(0);
    expect(exponentOf(NaN)).toBe(0);
    expect(ldexp(1, -Infinity)).toBe(0);
    expect(ldexp(1, Infinity)).toBe(Infinity);
    expect(ldexp(2 ** 1000, -1100)).toBe(2 ** -100);
  });
});

describe('tfjs string weights', () => {
  it('a 16 MiB shard of empty strings is sized with a few hundred reads (it was a file read per 4 bytes)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-str-'));
    try {
      fs.writeFileSync(join(dir, 'w.bin'), new Uint8Array(16 * 2 ** 20));
      const manifest = [{ paths: ['w.bin'], weights: [{ name: 'vocab', shape: [1e9], dtype: 'string' }] }];
      fs.writeFileSync(join(dir, 'm-weights_manifest.json'), JSON.stringify(manifest));
      // counted, not timed: every read of the shard goes through FileSource
      const { FileSource } = await import('../src/model/bytes.js');
      const spy = vi.spyOn(FileSource.prototype, 'readSync');
      // 4 Mi empty strings fill the shard exactly (the count stops at the end of the group); strings are skipped
      let l;
      try {
        l = await listTensors(join(dir, 'm-weights_manifest.json'));
        // 16 MiB in 64 KiB windows: 256 reads (plus the manifest's), not one per 4-byte length prefix
        expect(spy.mock.calls.length).toBeGreaterThanOrEqual(256);
        expect(spy.mock.calls.length).toBeLessThan(300);
      } finally {
        spy.mockRestore();
      }
      expect(l.skipped).toEqual([{ name: 'vocab', reason: expect.stringMatching(/dtype string/) }]);
      // one byte more and the last length prefix is cut: the byte count no longer matches the shard
      fs.writeFileSync(join(dir, 'w.bin'), new Uint8Array(16 * 2 ** 20 + 1));
      await expect(listTensors(join(dir, 'm-weights_manifest.json'))).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/describes 16777216 bytes but its shard files hold 16777217/) });
      // a well-formed string tensor still sizes right: 3 strings 'ab', '', 'xyz' then a float32 [2, 2]
      const parts = [2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 3, 0, 0, 0, 120, 121, 122];
      const f = new Float32Array([1, 2, 3, 4]);
      fs.writeFileSync(join(dir, 'v.bin'), Buffer.concat([Buffer.from(parts), Buffer.from(f.buffer)]));
      fs.writeFileSync(join(dir, 'v-weights_manifest.json'), JSON.stringify([{ paths: ['v.bin'], weights: [{ name: 's', shape: [3], dtype: 'string' }, { name: 'k', shape: [2, 2], dtype: 'float32' }] }]));
      const m = await openModel(join(dir, 'v-weights_manifest.json'));
      expect(m.tensors.map((t) => [t.name, t.source.offset])).toEqual([['k', 17]]);
      expect(Array.from((await m.read('k')).data)).toEqual([1, 3, 2, 4]); // dense (in, out) -> (out, in)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
