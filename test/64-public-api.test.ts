// The public surface is what README "API surface" lists, no more and no less, and require() and import
// give the same names (dist/index.mjs re-exports the CommonJS build).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';

const dist = join(process.cwd(), 'dist');

function readmeNames(): Set<string> {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## API surface'), readme.indexOf('\n## ', readme.indexOf('## API surface') + 1));
  const names = new Set<string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| group') && !l.startsWith('| ---'))) {
    const cell = line.split(' | ')[1];
    // `name` or `name(args)`; file names such as `layers.json` are not identifiers
    for (const m of cell.matchAll(/`([A-Za-z_$][\w$]*)(?=[`(])/g)) names.add(m[1]);
  }
  return names;
}

async function exported(entry: string): Promise<string[]> {
  const r = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m)))`]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as string[]).filter((k) => k !== '__esModule' && k !== 'default').sort();
}

describe('public API', () => {
  it('exports exactly the names README "API surface" lists', async () => {
    const listed = [...readmeNames()].sort();
    const cjs = (await exported(pathToFileURL(join(dist, 'index.js')).href));
    expect(cjs.filter((n) => !listed.includes(n)), 'exported but not in the README').toEqual([]);
    expect(listed.filter((n) => !cjs.includes(n)), 'in the README but not exported').toEqual([]);
    for (const internal of ['toSlices', 'halfToFloat', 'planSafetensors', 'xoshiro128', 'snakeCase', 'layerReportToJSON']) expect(cjs).not.toContain(internal);
  });

  it('import (dist/index.mjs) and require (dist/index.js) give the same names', async () => {
    expect((await exported(pathToFileURL(join(dist, 'index.mjs')).href))).toEqual((await exported(pathToFileURL(join(dist, 'index.js')).href)));
  });
});
