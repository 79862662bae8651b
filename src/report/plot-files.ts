// File names for per-layer plots. Tensor names may hold '/', ':', control characters, or run to
// hundreds of characters; the file name is a portable slug (at most 80 characters) plus a short hash of
// the full name, so a/b, a:b and a_b get three files and no name exceeds a file system's limit.
import { createHash } from 'node:crypto';

const MAX_SLUG = 80;

export function plotFileName(name: string, used: Set<string>): string {
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '').slice(0, MAX_SLUG) || 'layer';
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let file = `${slug}-${hash}.svg`;
  // the same name twice in one model (a reader bug, but never overwrite a file): number the repeats
  for (let k = 2; used.has(file); k++) file = `${slug}-${hash}-${k}.svg`;
  used.add(file);
  return file;
}
