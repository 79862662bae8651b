// Started by 16-stress.test.ts: workers that call the addon in a tight loop (async calls, and sync calls
// that throw) are terminated mid-call, over and over. An error raised while the worker's environment is
// being torn down cannot reach JavaScript; before NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS this aborted
// the whole process ("terminate called after throwing an instance of 'Napi::Error'").
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const entry = process.argv[2];
  const rounds = Number(process.argv[3] ?? 12);
  for (let k = 0; k < rounds; k++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { entry } });
    await new Promise((r) => w.once('message', r));
    await new Promise((r) => setTimeout(r, 3 + (k % 7)));
    await w.terminate();
  }
  console.log(JSON.stringify({ rounds }));
} else {
  const ws = await import(workerData.entry);
  const m = { data: new Float64Array(16).fill(1), shape: [4, 4] };
  const bad = { data: new Float64Array(4), shape: [3, 3] }; // E_SHAPE, thrown synchronously
  parentPort.postMessage('ready');
  for (;;) {
    ws.svdvals(m).catch(() => {});
    try {
      ws.svdvalsSync(bad);
    } catch {}
  }
}
