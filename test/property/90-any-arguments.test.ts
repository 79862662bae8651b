// Property suite, every public function: called with arbitrary arguments (numbers, strings, null, arrays,
// matrices of any shape and dtype, option objects with unknown or ill-typed keys) each returns a value or
// throws/rejects with a WeightscopeError — never a TypeError, RangeError, crash or hang. The numerical
// properties against numpy are in the other files of this folder.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as api from '../../src/index.js';
import { draw, encodeSpec, matrixSpecArb, runs, seedOf } from './lib/gen.js';
import { findPython, judge, NO_PYTHON, type Case } from './lib/harness.js';
import { KNOWN } from './lib/known.js';
import { expectVerdict } from './lib/verdict.js';

const SEED = seedOf(9001);

// Functions that only report state or change process-wide settings are exercised by 10-linalg; functions
// taking file paths get names that cannot exist (no file system walk).
const SKIP = new Set(['setThreads', 'setLargeJobFlops', 'setCudaCrossover', 'WeightscopeError']);
const FUNCTIONS = Object.keys(api).filter((k) => typeof (api as Record<string, unknown>)[k] === 'function' && !SKIP.has(k));

const leaf = fc.oneof(
  fc.integer({ min: -3, max: 70 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(null, true, false, '', 'float32', 'auto', 'N', 'no-such-file.safetensors', 0.5, 1e308, -0, 2 ** 31),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[/\\.]/g, '_')),
);
const matrixLike = matrixSpecArb({ max: 6 }).map(encodeSpec);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, matrixLike, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('data', 'shape', 'k', 'layout', 'labels', 'numClasses', 'minEvals', 'alpha', 'name', 'W', 'evals', 'metrics', 'backend'), tie('v'), { maxKeys: 3 })),
})).v;

function cases(): Case[] {
  const out: Case[] = [];
  for (const fn of FUNCTIONS)
    draw(fc.array(value, { maxLength: 3 }), runs(6), SEED + fn.length).forEach((argv, i) => out.push({ id: `${fn}-${i}`, fam: 'junk', args: { fn, argv } }));
  return out;
}

describe.skipIf(!findPython())(`property: every public function with arbitrary arguments${findPython() ? '' : ` (skipped: ${NO_PYTHON})`}`, () => {
  it('returns a value or a WeightscopeError', async () => {
    const cs = cases();
    const v = await judge(cs, {}, { known: KNOWN });
    expectVerdict(`any arguments (${FUNCTIONS.length} functions)`, v, cs, KNOWN, SEED === 9001);
  }, 600_000);
});
