// The workflow examples check their own published effect and exit 1 when it is not reproduced: run them.
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';

describe('workflow examples', () => {
  it('model-merging: the sum of nets trained on orthogonal inputs works on both; the control does not', async () => {
    const r = await run(process.execPath, ['examples/model-merging/run.mjs'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('FAIL');
  }, 130_000);

  it('tfjs-tempbalance: trains a tfjs MLP, logs alpha/stable rank per layer, applies TempBalance lrs; the loss falls', async () => {
    const out = `${process.env.TMPDIR ?? '/tmp'}/ws-tb-${process.pid}.jsonl`;
    const r = await run(process.execPath, ['examples/tfjs-tempbalance/run.mjs', '--out', out], { timeoutMs: 240_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 6 loss .*fc4\/kernel alpha/);
    const { readTrack } = await import('../src/index.js');
    expect(readTrack(out).records.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6]);
    (await import('node:fs')).rmSync(out, { force: true });
  }, 250_000);
});
