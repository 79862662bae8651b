// Started by 72-async-reliability.test.ts: runs analyze() on a real model and calls process.exit while
// layers are being analysed (from onProgress after `after` layers, or from a timer).
//   node child-exit-analyze.mjs <dist URL> <model path> <after layers | 'timer:ms'>
const w = await import(process.argv[2]);
const [, , , model, when] = process.argv;
if (when.startsWith('timer:')) setTimeout(() => process.exit(0), Number(when.slice(6)));
const after = when.startsWith('timer:') ? Infinity : Number(when);
// two analyses at once, so native jobs of both are queued when the exit comes
const run = (concurrency) =>
  w.analyze(model, { concurrency, metrics: ['mp', 'rank', 'traps'], onProgress: (p) => p.done >= after && process.exit(0) });
await Promise.all([run(2), run(1)]);
// reaching this line means the exit never came: the test wants exit code 0 from process.exit only
process.exit(3);
