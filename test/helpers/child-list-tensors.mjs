// Started by 57-detect.test.ts: plans a model in a child process, so a read that blocks (a FIFO opened for
// reading waits for a writer) shows up as a timeout of the child instead of hanging the test runner.
//   node child-list-tensors.mjs <dist URL> <model path>   -> prints {"ok":true} or {"code","message"}
const w = await import(process.argv[2]);
try {
  await w.listTensors(process.argv[3]);
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }));
}
