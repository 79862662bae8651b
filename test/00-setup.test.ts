import { describe, expect, it } from 'vitest';
import { backends, getThreads, setThreads } from '../src/index.js';

describe('addon and backends', () => {
  it('loads and reports the CPU backend', () => {
    const b = backends();
    expect(b.cpu.library).toBe('OpenBLAS');
    expect(b.cpu.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(b.cpu.threads).toBeGreaterThanOrEqual(1);
    expect(['sequential', 'pthreads', 'openmp']).toContain(b.cpu.threading);
    expect(['static', 'shared']).toContain(b.cpu.linkage);
    // with or without a GPU: either usable (stage 'ok', a device) or not, saying where it stopped and why
    if (b.cuda.available) {
      expect(b.cuda.stage).toBe('ok');
      expect(b.cuda.devices.length).toBeGreaterThanOrEqual(1);
      expect(b.cuda.reason).toBeUndefined();
    } else {
      expect(b.cuda.reason).toBeTruthy();
      expect(['library', 'symbols', 'driver', 'device']).toContain(b.cuda.stage);
    }
  });

  it('sets and gets the BLAS thread count', () => {
    const before = getThreads();
    setThreads(1);
    expect(getThreads()).toBe(1);
    expect(backends().cpu.threads).toBe(1);
    setThreads(before);
    expect(getThreads()).toBe(before);
    expect(() => setThreads(0)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => setThreads(1.5)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => setThreads(2 ** 31)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});
