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
});
