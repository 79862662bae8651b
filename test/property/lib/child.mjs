// Runs property-suite cases through weightscope (dist build) in this child process: reads the cases as
// JSON on stdin, announces each on stderr before running it (so a crash is attributed to it) and writes
// one JSON line per case on stdout with the outcome of each form (sync, async).
import { calls } from './calls.mjs';

// The public entry exports only the documented API; the internals this suite also checks (decoders, fit
// and heavy-tail helpers, report writers) come from their layers' own modules in the same dist build.
const pub = await import(process.argv[2]);
const at = (p) => import(new URL(p, `file://${process.argv[2]}`).href);
const w = {
  ...(await at('./linalg/index.js')),
  ...(await at('./esd/index.js')),
  ...(await at('./fit/index.js')),
  ...(await at('./metrics/index.js')),
  ...(await at('./model/index.js')),
  ...pub,
  report: await at('./report/index.js'),
  bins: await at('./report/svg/bins.js'),
};
const input = JSON.parse(await new Promise((res) => {
  let s = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => (s += d));
  process.stdin.on('end', () => res(s));
}));

function plain(v) {
  return JSON.stringify(v, (_k, x) => {
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return { $typed: x.constructor.name, v: Array.from(x, (e) => (Number.isFinite(e) ? e : { $nf: String(e) })) };
    if (typeof x === 'number' && !Number.isFinite(x)) return { $nf: String(x) };
    if (typeof x === 'bigint') return { $big: String(x) };
    if (x === undefined) return { $undef: true };
    return x;
  });
}

async function outcome(f) {
  try {
    return { ok: true, value: JSON.parse(plain(await f())) };
  } catch (e) {
    return { ok: false, name: e?.name ?? typeof e, code: e?.code, message: String(e?.message ?? e).slice(0, 300) };
  }
}

for (const c of input) {
  process.stderr.write(`@start ${c.id}\n`);
  const forms = calls[c.fam];
  const out = {};
  if (!forms) out.missing = { ok: false, name: 'HarnessError', message: `no call for family ${c.fam}` };
  else for (const [form, f] of Object.entries(forms)) out[form] = await outcome(() => f(w, c.args));
  process.stdout.write(`${JSON.stringify({ id: c.id, forms: out })}\n`);
}
