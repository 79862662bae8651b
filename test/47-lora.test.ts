// LoRA/PEFT adapters written by peft's save_pretrained (test/fixtures/workflows/generate_lora.py): σ(ΔW) via
// the QR route equals numpy's SVD of peft's own get_delta_weight; with the base, W + ΔW's stable rank equals
// that of peft's merge_and_unload() weights.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loraAdapter } from '../src/index.js';
import { qrR } from '../src/workflows/lora.js';

const DIR = 'test/fixtures/workflows/';
const expected = JSON.parse(fs.readFileSync(DIR + 'lora-expected.json', 'utf8'));

describe('loraAdapter', () => {
  it('σ(ΔW) per module (rank/alpha patterns, embeddings) as numpy on peft get_delta_weight', async () => {
    const r = await loraAdapter(DIR + 'lora-a');
    expect(r.modules.map((m) => m.module).sort()).toEqual(['emb', 'fc1', 'fc2']);
    for (const m of r.modules) {
      const e = expected['lora-a'][m.module];
      expect(m.shape, m.module).toEqual(e.shape);
      expect(m.scale, m.module).toBeCloseTo(e.scale, 12);
      const k = m.singularValues.length;
      expect(k).toBe(m.r);
      for (let i = 0; i < k; i++) expect(m.singularValues[i] / e.sv[0]).toBeCloseTo(e.sv[i] / e.sv[0], 6);
      for (let i = k; i < e.sv.length; i++) expect(e.sv[i] / e.sv[0]).toBeLessThan(1e-5); // rank r: the rest are 0
    }
    const fc2 = r.modules.find((m) => m.module === 'fc2')!;
    expect(fc2).toMatchObject({ r: 6, loraAlpha: 3 }); // rank_pattern / alpha_pattern
    expect(fc2.scale).toBe(3 / 6);
  });

  it('use_rslora: s = alpha/√r; with the base: W + ΔW as peft merges it', async () => {
    const rs = await loraAdapter(DIR + 'lora-rs', { base: DIR + 'lora-base.safetensors', minEvals: 2 });
    const fc1 = rs.modules[0];
    expect(fc1.scale).toBeCloseTo(5 / Math.sqrt(3), 12);
    expect(fc1.scale).toBeCloseTo(expected['lora-rs'].fc1.scale, 12);
    const a = await loraAdapter(DIR + 'lora-a', { base: DIR + 'lora-base.safetensors', minEvals: 2 });
    for (const m of [...a.modules, fc1]) {
      const e = (m === fc1 ? expected['lora-rs'] : expected['lora-a'])[m.module];
      expect(m.base, m.module).toBeDefined();
      expect(m.base!.stableRankMerged).toBeCloseTo(e.stable_rank_merged, 5);
      expect(m.base!.stableRank).toBeCloseTo(e.stable_rank_base, 5);
      expect(m.base!.relDelta).toBeCloseTo(e.rel_delta, 6);
    }
  });

  it('qrR: RᵀR = XᵀX (closed form of a QR)', () => {
    const cols = [new Float64Array([1, 2, 3, 4]), new Float64Array([0, 1, 0, 2]), new Float64Array([5, -1, 2, 0])];
    const R = qrR(cols, 4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let rr = 0;
      for (let q = 0; q < 3; q++) rr += R[q * 3 + i] * R[q * 3 + j];
      const xx = cols[i].reduce((s, v, t) => s + v * cols[j][t], 0);
      expect(rr).toBeCloseTo(xx, 12);
      if (i > j) expect(R[i * 3 + j]).toBe(0);
    }
  });

  it('refuses a folder without an adapter, a bad config and non-LoRA types with E_FORMAT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-lora-'));
    await expect(loraAdapter(dir)).rejects.toMatchObject({ code: 'E_FORMAT' });
    fs.copyFileSync(DIR + 'lora-a/adapter_model.safetensors', path.join(dir, 'adapter_model.safetensors'));
    await expect(loraAdapter(dir)).rejects.toMatchObject({ code: 'E_FORMAT' }); // no config
    fs.writeFileSync(path.join(dir, 'adapter_config.json'), '{"peft_type": "IA3"}');
    await expect(loraAdapter(dir)).rejects.toMatchObject({ code: 'E_FORMAT' });
    fs.writeFileSync(path.join(dir, 'adapter_config.json'), '{"r": 0, "lora_alpha": 1}');
    await expect(loraAdapter(dir)).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(loraAdapter(dir, { bogus: 1 } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
