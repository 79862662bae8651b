// Which files a model may make us read. A model file names other files (shards, external data, tfjs weight
// files) and a folder holds them; each is resolved against the model's folder and must stay inside it.
//
// Symlink policy. Links are followed (the Hugging Face cache is made of them: snapshots/<rev>/model.safetensors
// -> ../../blobs/<sha256>), but where a link leads must stay inside the model tree: the real path of the
// model's folder or, when that folder is a Hugging Face cache snapshot (…/models--org--name/snapshots/<rev>),
// the real path of that repository's cache folder (…/models--org--name, which holds blobs/). A link that
// leads anywhere else (a shard linked to /etc/passwd, a link out of the tree) is refused with E_FORMAT before
// it is opened. The path the user passes is theirs to choose and is followed wherever it points; the files it
// names are held to the rule.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from './bytes.js';

/** The cache repository folder of a Hugging Face snapshot folder (…/models--org--name), or null. */
function hfRepoRoot(dir: string): string | null {
  const m = /^(.*[\\/](?:models|datasets|spaces)--[^\\/]+)[\\/]snapshots[\\/][^\\/]+$/.exec(dir);
  return m ? m[1] : null;
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** A model's folder and the real folders its files may live in. */
export class ModelTree {
  /** The folder relative paths are resolved against (as given, links not resolved). */
  readonly dir: string;
  /** Real paths a file of this model may resolve to. */
  readonly roots: readonly string[];

  private constructor(dir: string, roots: string[]) {
    this.dir = dir;
    this.roots = roots;
  }

  /** The tree of the model whose folder is `dir` (the folder given, or the folder of the file given). */
  static of(dir: string): ModelTree {
    const lexical = path.resolve(dir);
    const real = realpathOr(lexical);
    const roots = [real];
    for (const d of [lexical, real]) {
      const hf = hfRepoRoot(d);
      if (hf) roots.push(realpathOr(hf));
    }
    return new ModelTree(lexical, [...new Set(roots)]);
  }

  /** The tree of in-memory bytes: they name no files, so every path is refused. */
  static none(): ModelTree {
    return new ModelTree('', []);
  }

  /**
   * Resolves a path a model file names (`rel`, e.g. a shard or an external data location) against the model's
   * folder. Refused: absolute paths, paths that leave the folder, and links whose target is outside the tree.
   */
  resolve(rel: unknown, file: string, what: string): string {
    if (typeof rel !== 'string' || rel.length === 0 || rel.includes('\0')) {
      throw formatError(file, `${what}: invalid path ${JSON.stringify(rel)}`);
    }
    if (this.roots.length === 0) throw formatError(file, `${what}: '${rel}' cannot be resolved for an in-memory model`);
    if (path.isAbsolute(rel)) throw formatError(file, `${what}: absolute path '${rel}' refused`);
    const full = path.resolve(this.dir, rel);
    if (!inside(this.dir, full) || full === this.dir) {
      throw formatError(file, `${what}: path '${rel}' escapes the model folder, refused`);
    }
    this.check(full, file, what);
    return full;
  }

  /** Refuses `full` when it is (or passes through) a link whose target is outside the tree. */
  check(full: string, file: string, what: string): void {
    let real: string;
    try {
      real = fs.realpathSync(full);
    } catch {
      return; // missing: opening it reports that
    }
    if (!this.roots.some((r) => inside(r, real))) {
      throw formatError(
        file,
        `${what}: '${path.relative(this.dir, full) || full}' is a link to ${real}, outside the model folder` +
          `${this.roots.length > 1 ? ' and its Hugging Face cache folder' : ''}: refused (see README "Symlinks")`,
      );
    }
  }
}
