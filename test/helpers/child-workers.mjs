// Started by 16-stress.test.ts: the addon used from 4 worker threads at once, then a worker terminated
// while its async jobs run. Prints the results as JSON.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const entry = process.argv[2];
  const spawn = (busy) => new Worker(new URL(import.meta.url), { workerData: { entry, busy } });
  const ws = [0, 1, 2, 3].map(() => spawn(false));
  const values = await Promise.all(ws.map((w) => new Promise((res, rej) => { w.on('message', res); w.on('error', rej); })));
  const busy = spawn(true);
  await new Promise((r) => setTimeout(r, 80));
  await busy.terminate();
  console.log(JSON.stringify({ values, terminated: true }));
} else {
  const w = await import(workerData.entry);
  const n = 200;
  const m = { data: Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.7)), shape: [n, n] };
  let s;
  for (let i = 0; i < (workerData.busy ? 200 : 5); i++) s = await w.svdvals(m);
  parentPort.postMessage(s[0]);
}
