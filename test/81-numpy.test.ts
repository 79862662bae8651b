// NumPy .npy / .npz (test/fixtures/numpy/generate_numpy.py: numpy.save, savez, savez_compressed; JAX/Flax-style
// ViT names): names, (out, in) orientation of Flax kernels, dtypes, Fortran order, big-endian, deflated members,
// and lambda_max / alpha per layer against numpy; malformed files refused with E_FORMAT.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, fitPowerLaw } from '../src/index.js';
import { listTensors, openModel } from '../src/model/index.js';
import { formatError } from './helpers/metrics.js';
import { fixturesDir } from './helpers/reference.js';

const NP = join(fixturesDir, 'numpy');
type Want = Record<string, { shape: number[]; lambda_max: number; evals: number[]; first_row: number[] }>;
const expected = JSON.parse(fs.readFileSync(join(NP, 'expected.json'), 'utf8')) as Record<string, Want>;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const MLP0 = 'Transformer/encoderblock_0/MlpBlock_3/Dense_0/kernel';
const Q0 = 'Transformer/encoderblock_0/MultiHeadDotProductAttention_1/query/kernel';
const OUT0 = 'Transformer/encoderblock_0/MultiHeadDotProductAttention_1/out/kernel';


async function checkAgainstNumpy(source: string | Uint8Array, want: Want): Promise<void> {
  const r = await analyze(source, { minEvals: 1, precision: 'float64' });
  for (const [name, w] of Object.entries(want)) {
    const l = r.layers.find((x) => x.name === name);
    expect(l, name).toBeDefined();
    expect(l!.shape, name).toEqual(w.shape);
    expect(rel(l!.lambdaMax, w.lambda_max), `${name} lambda_max`).toBeLessThan(1e-9);
    if (l!.status === 'success') expect(rel(l!.alpha, fitPowerLaw(w.evals).alpha), `${name} alpha`).toBeLessThan(1e-6);
  }
  const m = await openModel(source);
  for (const [name, w] of Object.entries(want)) {
    const t = await m.read(name);
    for (let j = 0; j < 4; j++) expect(t.data[j], `${name}[0, ${j}]`).toBe(t.data instanceof Float64Array ? w.first_row[j] : Math.fround(w.first_row[j]));
  }
}

describe('NumPy .npz (JAX/Flax ViT layout)', () => {
  for (const f of ['vit.npz', 'vit_compressed.npz']) {
    it(`${f}: Flax kernels (in, out) yielded (out, in), attention kernels viewed 2-D, and say so`, async () => {
      const l = await listTensors(join(NP, f));
      expect(l.format).toBe('numpy');
      const by = new Map(l.tensors.map((t) => [t.name, t]));
      expect(by.get(MLP0)).toMatchObject({ kind: 'dense', shape: [64, 32], orientation: expect.stringMatching(/\(in, out\) as Flax.*transposed to \(out, in\)/) });
      expect(by.get(MLP0)!.source).toMatchObject({ storedShape: [32, 64], storedDtype: '<f4' });
      expect(by.get(Q0)).toMatchObject({ kind: 'dense', shape: [32, 32] });
      expect(by.get(Q0)!.source.transform).toMatch(/attention kernel \[32, 4, 8\] viewed as \[32, 32\]/);
      expect(by.get(OUT0)!.source.transform).toMatch(/\[4, 8, 32\] viewed as \[32, 32\]/);
      expect(by.get('embedding/kernel')).toMatchObject({ kind: 'conv2d', layout: 'hwio', shape: [4, 4, 3, 32] });
      expect(by.get('Transformer/posembed_input/pos_embedding')).toMatchObject({ kind: 'embedding', shape: [17, 32] });
      const skipped = new Map(l.skipped.map((s) => [s.name, s.reason]));
      expect(skipped.get('Transformer/encoderblock_0/MultiHeadDotProductAttention_1/query/bias')).toMatch(/bias.*no matrix/);
      expect(skipped.get('cls')).toMatch(/only one dimension > 1/);
      // model order: block 0 before block 1
      const names = l.tensors.map((t) => t.name);
      expect(names.indexOf(MLP0)).toBeLessThan(names.indexOf(MLP0.replace('_0/Mlp', '_1/Mlp')));
      if (f === 'vit.npz') expect(by.get(MLP0)!.source.offset).toBeGreaterThan(0);
      else expect(by.get(MLP0)!.source.offset).toBeUndefined(); // deflated: no byte range in the file
    });

    it(`${f}: lambda_max, alpha and the first row of every layer equal numpy's`, async () => {
      await checkAgainstNumpy(join(NP, f), expected[f]);
    });
  }

  it('mixed.npz: float16, float64, big-endian and Fortran-order arrays read right; other dtypes skipped with a reason', async () => {
    await checkAgainstNumpy(join(NP, 'mixed.npz'), expected['mixed.npz']);
    const l = await listTensors(join(NP, 'mixed.npz'));
    expect(Object.fromEntries(l.skipped.map((s) => [s.name, s.reason]))).toEqual({
      ints: expect.stringMatching(/integer\/bool dtype <i8/),
      mask: expect.stringMatching(/integer\/bool dtype \|b1/),
      cplx: expect.stringMatching(/complex dtype <c8/),
      objs: expect.stringMatching(/object array.*never unpickled/),
    });
    const m = await openModel(join(NP, 'mixed.npz'));
    expect((await m.read('double')).data).toBeInstanceOf(Float64Array);
    expect(m.tensors.find((t) => t.name === 'fortran')!.source.transform).toMatch(/Fortran/);
    expect(m.tensors.find((t) => t.name === 'big')!.source.transform).toMatch(/big-endian/);
  });
});

describe('NumPy .npy', () => {
  for (const f of ['single.npy', 'fortran.npy', 'bigendian.npy', 'half.npy']) {
    it(`${f}: equals numpy, on disk and in memory`, async () => {
      await checkAgainstNumpy(join(NP, f), expected[f]);
      const mem = await openModel(new Uint8Array(fs.readFileSync(join(NP, f))));
      const disk = await openModel(join(NP, f));
      expect(Array.from((await mem.read('array')).data)).toEqual(Array.from((await disk.read(f.replace('.npy', ''))).data));
    });
  }
});

describe('malformed NumPy files', () => {
  const npy = fs.readFileSync(join(NP, 'single.npy'));
  const npz = fs.readFileSync(join(NP, 'vit_compressed.npz'));
  const edit = (b: Buffer, f: (c: Buffer) => void): Uint8Array => {
    const c = Buffer.from(b);
    f(c);
    return new Uint8Array(c);
  };
  it('truncated data, a bad header, a huge shape, an unknown version are E_FORMAT', async () => {
    expect(await formatError(listTensors(new Uint8Array(npy.subarray(0, npy.length - 4))))).toMatch(/truncated/);
    const header = npy.subarray(10, 10 + npy.readUInt16LE(8)).toString('latin1');
    const withShape = (s: string) => edit(npy, (c) => c.write(header.replace('(48, 24)', s).padEnd(header.length, ' '), 10, 'latin1'));
    expect(await formatError(listTensors(withShape('(99999999, 99999999)')))).toMatch(/needs \d+ bytes|more elements/);
    expect(await formatError(listTensors(withShape('(48, -24)')))).toMatch(/shape entry/);
    expect(await formatError(listTensors(edit(npy, (c) => c.write("{'nope': 1}".padEnd(header.length, ' '), 10, 'latin1'))))).toMatch(/no 'descr'/);
    expect(await formatError(listTensors(edit(npy, (c) => (c[6] = 9))))).toMatch(/version 9/);
  });

  it('a corrupted deflated member is E_FORMAT when read; a cut archive when listed', async () => {
    expect(await formatError(listTensors(new Uint8Array(npz.subarray(0, npz.length - 10))))).toMatch(/zip/);
    const l = await listTensors(join(NP, 'vit_compressed.npz'));
    const t = l.tensors.find((x) => x.name === MLP0)!;
    // corrupt the middle of that member's compressed bytes (found through the directory)
    const bad = edit(npz, (c) => {
      const at = c.indexOf(Buffer.from('Dense_0/kernel.npy'));
      for (let i = at + 200; i < at + 400; i++) c[i] ^= 0x5a;
    });
    const m = await openModel(bad);
    expect(await formatError(m.read(t.name))).toMatch(/inflate|inflated/);
  });
});
