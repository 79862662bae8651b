// The npm registry mirror this project is built against serves only linux-x64 builds, so `npm install`
// leaves the other platforms' optional packages (rollup's native builds) out of package-lock.json, and
// `npm ci` then refuses the lock file as out of sync. This adds the missing entries back, marked optional
// with their os/cpu/libc, so npm ci skips them here and installs them on their own platforms.
// Run after any dependency change: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
let added = 0;
for (const [key, meta] of Object.entries(pk)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-(\w+))?$/.exec(name);
    if (!m || pk[`node_modules/${name}`] || pk[`${key}/node_modules/${name}`]) continue;
    const [, os, cpu, abi] = m;
    const entry = { version, cpu: [cpu], dev: meta.dev ?? false, license: 'MIT', optional: true, os: [os] };
    if (os === 'linux') entry.libc = [abi && abi.startsWith('musl') ? 'musl' : 'glibc'];
    pk[`node_modules/${name}`] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile-platforms: added ${added} optional platform entries`);
