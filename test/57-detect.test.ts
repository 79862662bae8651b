// What a file is comes from its content (src/model/formats.ts), folders say which model they hold, nothing
// blocks on a FIFO, and symlinks stay inside the model tree (src/model/paths.ts). Fixtures:
// test/fixtures/formats/make_formats.py (torch.save, torch.jit, pickle, numpy, gguf.GGUFWriter,
// TFLiteConverter, keras save / save_weights); the trees below are made here with real links and FIFOs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, listTensors } from '../src/index.js';
import { fixturesDir } from './helpers/reference.js';
import { run } from './helpers/child.js';

const FORMATS = join(fixturesDir, 'formats');
const HF = join(fixturesDir, 'hf');
const ID = join(fixturesDir, 'identity');
const TMP = fs.mkdtempSync(join(os.tmpdir(), 'ws-detect-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

async function formatError(src: string | Uint8Array): Promise<string> {
  try {
    await listTensors(src);
  } catch (e) {
    expect((e as { code: string }).code).toBe('E_FORMAT');
    return (e as Error).message;
  }
  throw new Error(`${String(src)} was read as a model`);
}

describe('formats are recognised by content', () => {
  const cases: [string, RegExp, RegExp][] = [
    ['plain.pkl', /a Python pickle/, /pickles are not read/],
    ['weights.h5', /an HDF5 file/, /tensorflowjs_converter --input_format keras/],
    ['model.keras', /a Keras v3 \.keras archive/, /tensorflowjs_converter|tf2onnx/],
  ];
  for (const [file, what, todo] of cases) {
    it(`${file}: named, with what to do`, async () => {
      const m = await formatError(join(FORMATS, file));
      expect(m).toMatch(what);
      expect(m).toMatch(todo);
      // under a misleading name the content still decides, and the message says so
      const renamed = join(TMP, file.replace(/\.\w+$/, '.safetensors'));
      fs.copyFileSync(join(FORMATS, file), renamed);
      const r = await formatError(renamed);
      expect(r).toMatch(what);
      expect(r).toMatch(/despite its \.safetensors extension/);
      expect(r).not.toMatch(/header length/);
      // and in memory
      expect(await formatError(new Uint8Array(fs.readFileSync(join(FORMATS, file))))).toMatch(what);
    });
  }

  it('torch.save, NumPy and TFLite files are read by content, also named .safetensors (test/80-82 read them in full)', async () => {
    for (const [file, format, name] of [['torch_zip.pt', 'pytorch', 'weight'], ['torch_legacy.pt', 'pytorch', 'weight'], ['arrays.npz', 'numpy', 'w'], ['array.npy', 'numpy', 'array-renamed'], ['model.tflite', 'tflite', 'sequential_1/dense_1/MatMul']]) {
      const renamed = join(TMP, file.replace(/\.\w+$/, '-renamed.safetensors'));
      fs.copyFileSync(join(FORMATS, file), renamed);
      const l = await listTensors(renamed);
      expect(l.format).toBe(format);
      expect(l.tensors.map((t) => [t.name, t.shape])).toEqual([[name, [4, 4]]]);
    }
  });

  it('a readable format under another extension is read (ONNX named .bin, safetensors named .pt)', async () => {
    fs.copyFileSync(join(ID, 'if_branches.onnx'), join(TMP, 'weights.bin'));
    expect((await listTensors(join(TMP, 'weights.bin'))).format).toBe('onnx');
    fs.copyFileSync(join(HF, 'llama', 'model.safetensors'), join(TMP, 'llama.pt'));
    expect((await listTensors(join(TMP, 'llama.pt'))).format).toBe('safetensors');
  });

  it('a file no signature matches, with no model extension, says so', async () => {
    fs.writeFileSync(join(TMP, 'notes.txt'), 'hello\n');
    expect(await formatError(join(TMP, 'notes.txt'))).toMatch(/not a model file weightscope recognises/);
    fs.writeFileSync(join(TMP, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    expect(await formatError(join(TMP, 'config.json'))).toMatch(/transformers config\.json, not weights: pass the folder/);
  });
});

describe('folders', () => {
  const folder = (name: string, files: Record<string, string>) => {
    const d = join(TMP, name);
    fs.mkdirSync(d, { recursive: true });
    for (const [to, from] of Object.entries(files)) fs.copyFileSync(from, join(d, to));
    return d;
  };

  it('safetensors and ONNX side by side: the safetensors is analysed, the report says which file and names the other', async () => {
    const d = folder('both', { 'model.safetensors': join(HF, 'llama', 'model.safetensors'), 'config.json': join(HF, 'llama', 'config.json'), 'model.onnx': join(ID, 'if_branches.onnx'), 'pytorch_model.bin': join(FORMATS, 'torch_zip.pt') });
    const r = await analyze(d, { minEvals: 1 });
    expect(r.format).toBe('safetensors');
    expect(r.files[0]).toBe(join(d, 'model.safetensors'));
    expect(r.notes).toEqual([
      `analysed model.safetensors (a safetensors file) from folder ${d}`,
      'also in the folder, not analysed: model.onnx (an ONNX model), pytorch_model.bin (a PyTorch checkpoint (torch.save / TorchScript zip archive))',
    ]);
  });

  it('several models of one kind are an error that names them', async () => {
    const d = folder('two-onnx', { 'a.onnx': join(ID, 'if_branches.onnx'), 'b.onnx': join(ID, 'same_bytes.onnx') });
    expect(await formatError(d)).toMatch(/folder holds several ONNX models: a\.onnx, b\.onnx — pass one of them/);
    expect(await formatError('node_modules/@vladmandic/face-api/model')).toMatch(/several tfjs weights manifests: .*face_recognition_model-weights_manifest\.json/);
    const s = folder('two-st', { 'x.safetensors': join(HF, 'llama', 'model.safetensors'), 'y.safetensors': join(HF, 'gpt2', 'model.safetensors') });
    expect(await formatError(s)).toMatch(/several safetensors files and no model\.safetensors\.index\.json: x\.safetensors, y\.safetensors/);
  });

  it('a folder with only unreadable formats names them and says what to do', async () => {
    const d = folder('unread-only', { 'weights.h5': join(FORMATS, 'weights.h5'), 'model.keras': join(FORMATS, 'model.keras') });
    const m = await formatError(d);
    expect(m).toMatch(/model\.keras \(a Keras v3 \.keras archive\), weights\.h5 \(an HDF5 file/);
    expect(m).toMatch(/not read/);
  });
});

describe('FIFOs are refused, never opened for a blocking read', () => {
  const dist = pathToFileURL(join(process.cwd(), 'dist', 'index.js')).href;
  const child = async (model: string) => {
    const r = await run(process.execPath, [join('test', 'helpers', 'child-list-tensors.mjs'), dist, model], { timeoutMs: 20_000 });
    expect(r.signal, `child blocked on ${model}`).toBeNull();
    return JSON.parse(r.stdout);
  };
  const mkfifo = (p: string) => expect(spawnSync('mkfifo', [p]).status).toBe(0);

  it('as the model file, a safetensors shard, a tfjs weights file, an ONNX external data file, and a folder entry', async () => {
    const d = join(TMP, 'fifo');
    fs.mkdirSync(d);
    mkfifo(join(d, 'model.safetensors'));
    expect((await child(join(d, 'model.safetensors')))).toEqual({ code: 'E_FORMAT', message: expect.stringMatching(/a FIFO, not a regular file: refused/) });
    // sharded: the index is fine, one shard a FIFO
    const sh = join(TMP, 'fifo-shard');
    fs.cpSync(join(ID, 'sharded'), sh, { recursive: true });
    fs.rmSync(join(sh, 'model-00002-of-00003.safetensors'));
    mkfifo(join(sh, 'model-00002-of-00003.safetensors'));
    expect((await child(join(sh, 'model.safetensors.index.json')))).toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/FIFO/) });
    const tf = join(TMP, 'fifo-tfjs');
    fs.cpSync(join(ID, 'tfjs_dup'), tf, { recursive: true });
    fs.rmSync(join(tf, 'group1-shard1of1.bin'));
    mkfifo(join(tf, 'group1-shard1of1.bin'));
    expect((await child(join(tf, 'model.json')))).toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/FIFO/) });
    const ox = join(TMP, 'fifo-onnx');
    fs.mkdirSync(ox);
    fs.copyFileSync(join(ID, 'alias_external.onnx'), join(ox, 'alias_external.onnx'));
    mkfifo(join(ox, 'alias_external.bin'));
    expect((await child(join(ox, 'alias_external.onnx')))).toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/external data: .*FIFO/) });
    // a folder whose only model-looking entry is a FIFO: not a candidate, never opened
    expect((await child(d))).toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/folder holds no model file .*refused: model\.safetensors: a FIFO/) });
  });
});

describe('symlinks (README "Symlinks")', () => {
  /** A Hugging Face cache repo: blobs/<name> and snapshots/<rev>/<file> -> ../../blobs/<name>. */
  function hfCache(from: string, files: string[]): string {
    const repo = join(TMP, 'hub', 'models--org--tiny');
    const snap = join(repo, 'snapshots', '0123abcd');
    fs.mkdirSync(join(repo, 'blobs'), { recursive: true });
    fs.mkdirSync(snap, { recursive: true });
    for (const f of files) {
      const blob = `blob-${f.replace(/\W/g, '')}`;
      fs.copyFileSync(join(from, f), join(repo, 'blobs', blob));
      fs.symlinkSync(join('..', '..', 'blobs', blob), join(snap, f));
    }
    return snap;
  }

  it('a Hugging Face cache snapshot (every file a link into blobs/) is read, config.json included', async () => {
    const snap = hfCache(join(HF, 'gpt2'), ['model.safetensors', 'config.json']);
    const r = await analyze(snap, { minEvals: 1 });
    expect(r.layers.find((l) => l.name === 'transformer.h.0.attn.c_attn.weight')!.orientation).toMatch(/Conv1D/);
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['model.safetensors', 'config.json']);
    const direct = await analyze(join(snap, 'model.safetensors'), { minEvals: 1 });
    expect(direct.layers.map((l) => l.lambdaMax)).toEqual(r.layers.map((l) => l.lambdaMax));
  });

  it('a shard linked to a file outside the tree (/etc/passwd, or next to the tree) is refused before it is read', async () => {
    const tf = join(TMP, 'link-tfjs');
    fs.cpSync(join(ID, 'tfjs_dup'), tf, { recursive: true });
    const bin = join(tf, 'group1-shard1of1.bin');
    const outside = join(TMP, 'outside.bin');
    fs.renameSync(bin, outside);
    for (const target of ['/etc/passwd', outside]) {
      fs.rmSync(bin, { force: true });
      fs.symlinkSync(target, bin);
      expect(await formatError(join(tf, 'model.json'))).toMatch(/'group1-shard1of1\.bin' is a link to .*, outside the model folder: refused/);
    }
    // the same file linked from inside the tree is fine
    fs.rmSync(bin);
    fs.mkdirSync(join(tf, 'shards'));
    fs.renameSync(outside, join(tf, 'shards', 'data.bin'));
    fs.symlinkSync(join('shards', 'data.bin'), bin);
    expect((await listTensors(join(tf, 'model.json'))).tensors).toHaveLength(3);
  });

  it('ONNX external data and a safetensors index shard linked out of the tree are refused too', async () => {
    const ox = join(TMP, 'link-onnx');
    fs.mkdirSync(ox);
    fs.copyFileSync(join(ID, 'alias_external.onnx'), join(ox, 'alias_external.onnx'));
    fs.symlinkSync('/etc/passwd', join(ox, 'alias_external.bin'));
    expect(await formatError(join(ox, 'alias_external.onnx'))).toMatch(/external location: 'alias_external\.bin' is a link to \/etc\/passwd/);
    const sh = join(TMP, 'link-shard');
    fs.cpSync(join(ID, 'sharded'), sh, { recursive: true });
    fs.rmSync(join(sh, 'model-00003-of-00003.safetensors'));
    fs.symlinkSync(join(ID, 'sharded', 'model-00003-of-00003.safetensors'), join(sh, 'model-00003-of-00003.safetensors'));
    expect(await formatError(sh)).toMatch(/is a link to .*identity\/sharded\/model-00003-of-00003\.safetensors, outside the model folder/);
  });

  it('a link in a folder leading out of the tree is not taken as the folder\'s model; the path you pass is followed', async () => {
    const d = join(TMP, 'link-folder');
    fs.mkdirSync(d);
    fs.symlinkSync(join(HF, 'llama', 'model.safetensors'), join(d, 'model.safetensors'));
    expect(await formatError(d)).toMatch(/folder holds no model file .*; refused: model\.safetensors: 'model\.safetensors' is a link to .*, outside the model folder/);
    expect((await listTensors(join(d, 'model.safetensors'))).format).toBe('safetensors');
  });
});
