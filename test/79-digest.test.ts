// The content digest analyze() keys weights stored twice by (native/core/digest.h): two XXH64 streams, checked
// against the reference implementation (test/fixtures/pipeline/make_digest_reference.py, the xxhash package)
// on lengths that reach every tail path; and the properties dedupe relies on: a one-bit change, a changed
// dtype or shape changes the key, an adopted array is read in place, a non-adopted one is copied at the call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentDigest, snapshot } from '../src/linalg/internal.js';
import { contentKey } from '../src/model/dedupe.js';
import { fixturesDir } from './helpers/reference.js';

const ref = JSON.parse(readFileSync(join(fixturesDir, 'pipeline', 'digest-reference.json'), 'utf8'));
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);

describe('content digest', () => {
  it('equals XXH64 (seeds 0 and "WSdedupe") of the reference implementation on every tail length', async () => {
    expect(ref.cases.length).toBeGreaterThan(20);
    for (const c of ref.cases) expect(await contentDigest(pattern(c.length)), `length ${c.length}`).toBe(c.digest);
    // any offset into a larger buffer: the view's bytes, not its buffer's
    const big = pattern(70000);
    const at = 3;
    const view = new Uint8Array(big.buffer, at, 1000);
    const same = new Uint8Array(1000);
    same.set(view);
    expect(await contentDigest(view)).toBe(await contentDigest(same));
  });

  it('a one-bit change anywhere changes it; the caller may overwrite its buffer right after the call', async () => {
    const a = new Float32Array(4099).map((_, i) => Math.sin(i));
    const d0 = await contentDigest(a);
    for (const i of [0, 1, 2048, 4098]) {
      const b = a.slice();
      new Uint32Array(b.buffer)[i] ^= 1;
      expect(await contentDigest(b)).not.toBe(d0);
    }
    const c = a.slice();
    const pending = contentDigest(c);
    c.fill(0); // copied at the call: the digest is of the values at call time
    expect(await pending).toBe(d0);
    const owned = snapshot({ data: a, shape: [1, a.length] }).data; // adopted: read in place
    expect(await contentDigest(owned)).toBe(d0);
  });

  it('the dedupe key also tells dtype, shape, kind and layout apart', async () => {
    const d = new Float32Array(12).map((_, i) => i);
    const k = await contentKey({ data: d, shape: [3, 4] }, 'dense', undefined);
    expect(await contentKey({ data: d.slice(), shape: [3, 4] }, 'dense', undefined)).toBe(k);
    expect(await contentKey({ data: d, shape: [4, 3] }, 'dense', undefined)).not.toBe(k);
    expect(await contentKey({ data: d, shape: [3, 4] }, 'embedding', undefined)).not.toBe(k);
    expect(await contentKey({ data: Float64Array.from(d), shape: [3, 4] }, 'dense', undefined)).not.toBe(k);
    expect(await contentKey({ data: d, shape: [1, 1, 3, 4] }, 'conv2d', 'oihw')).not.toBe(await contentKey({ data: d, shape: [1, 1, 3, 4] }, 'conv2d', 'hwio'));
  });
});
