// The end of every property test: no failure, a one-line tally, and no stale known-bug entry.
import { expect } from 'vitest';
import type { Case, KnownBug, Verdict } from './harness.js';

export function expectVerdict(name: string, v: Verdict, cases: Case[], known: KnownBug[], defaultSeed: boolean): void {
  const xf = v.xfail.length ? `, ${v.xfail.length} known-bug xfail` : '';
  console.log(`[property] ${name}: ${cases.length} cases, ${v.checked} calls: ${v.values} values (each = numpy where a check applies), ${v.errors} typed errors (numpy: undefined)${xf}`);
  console.log(`[property]   values/errors by family: ${Object.entries(v.byFam).map(([f, [a, b]]) => `${f} ${a}/${b}`).join(', ')}`);
  for (const x of new Set(v.xfail.map((s) => s.split(' :: ')[0]))) console.log(`[property]   xfail: ${x} (${v.xfail.filter((s) => s.startsWith(x)).length} cases)`);
  if (v.failures.length > 0) {
    const by = new Map<string, number>();
    for (const f of v.failures) {
      const id = f.split(' ')[0].replace(/-\d+$/, '');
      by.set(id, (by.get(id) ?? 0) + 1);
    }
    console.log(`[property]   failures by case kind: ${[...by].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  expect(v.failures.slice(0, 12).join('\n'), `${v.failures.length} of ${cases.length} cases failed`).toBe('');
  if (!defaultSeed) return;
  for (const k of known.filter((x) => !x.intermittent)) {
    const hit = cases.some((c) => k.matches(c));
    if (hit && !v.xfail.some((s) => s.startsWith(k.what)))
      expect.fail(`known bug no longer seen: "${k.what}" — delete it from test/property/lib/known.ts`);
  }
}
