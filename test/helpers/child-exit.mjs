// Started by 16-stress.test.ts: queues large async jobs and exits while they run.
const w = await import(process.argv[2]);
const n = 768;
const m = { data: Float64Array.from({ length: n * n }, (_, i) => Math.sin(i)), shape: [n, n] };
for (let i = 0; i < 8; i++) w.svdvals(m).catch(() => {});
setTimeout(() => process.exit(0), 30);
