// Prints the closing line of .ci/run: the vitest JSON reports (main suite, ASan suite) and the pack
// test's "pack: N passed, N failed" line added up, as the plain "N passed, N failed, N skipped" line
// that CI log readers take as the run's count (vitest's own summary is not among the formats they read).
// Exits 1 when a report is missing or counts a failure, so a broken summary cannot pass silently.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const r = JSON.parse(text);
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    if (r.numTotalTests === 0) failed += 1;
  } else {
    const m = /^pack: (\d+) passed, (\d+) failed$/m.exec(text);
    if (!m) {
      console.error(`${file}: no "pack: N passed, N failed" line`);
      process.exit(1);
    }
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
