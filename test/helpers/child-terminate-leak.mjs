// Started by 16-stress.test.ts: `rounds` times, a worker thread queues async calls (64 in flight, 256²
// float64 inputs) and is terminated while they run. Prints RSS (MiB) after each block of 10 rounds,
// and the native stats at the end, as JSON.
//   node --expose-gc child-terminate-leak.mjs <dist URL> <rounds>
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const entry = process.argv[2];
  const rounds = Number(process.argv[3] ?? 60);
  const ws = await import(entry);
  const rss = [];
  const heldByPool = [];
  for (let k = 0; k < rounds; k++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { entry } });
    await new Promise((r) => w.once('message', r));
    await new Promise((r) => setTimeout(r, 5 + (k % 7)));
    await w.terminate();
    if (k % 10 === 9) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 50));
      rss.push(process.memoryUsage().rss / 2 ** 20);
      heldByPool.push(ws.nativeStats().poolBytes / 2 ** 20);
    }
  }
  while (ws.nativeStats().jobsInFlight > 0) await new Promise((r) => setTimeout(r, 20)); // running ones finish
  console.log(JSON.stringify({ rss, heldByPool, stats: ws.nativeStats() }));
} else {
  const ws = await import(workerData.entry);
  const n = 256;
  const m = { data: Float64Array.from({ length: n * n }, (_, i) => Math.sin(i)), shape: [n, n] };
  parentPort.postMessage('ready');
  for (let i = 0; i < 64; i++) ws.svdvals(m).catch(() => {});
  for (;;) await ws.svdvals(m);
}
