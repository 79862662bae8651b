// A SharedArrayBuffer-backed matrix that another thread rewrites (entries flipped between finite values and
// NaN as fast as it can) while a test calls the addon on it.
import { Worker } from 'node:worker_threads';
import { randn } from './reference.js';

export async function racingMatrix(rows: number, cols: number, seed: number) {
  const n = rows * cols;
  const sab = new SharedArrayBuffer(n * 8 + 4);
  const data = new Float64Array(sab, 0, n);
  data.set(randn(n, seed));
  const writer = new Worker(
    `const { workerData: sab, parentPort } = require('node:worker_threads');
     const n = ${n}; const d = new Float64Array(sab, 0, n); const stop = new Int32Array(sab, n * 8, 1);
     parentPort.postMessage('go');
     for (let k = 0; Atomics.load(stop, 0) === 0; k++) { const i = (k * 7919) % n; d[i] = k % 3 === 0 ? NaN : k % 17; }`,
    { eval: true, workerData: sab },
  );
  await new Promise((r) => writer.once('message', r));
  const stop = async () => {
    Atomics.store(new Int32Array(sab, n * 8, 1), 0, 1);
    await writer.terminate();
  };
  return { data, shape: [rows, cols] as [number, number], stop };
}
