// A pool of fuzz children (child.mjs). Each runs one input at a time under a virtual-memory cap; a child that
// dies (signal, non-zero exit, fatal report) or does not answer within the time limit is a finding for the
// input it was running, and is replaced by a fresh child.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), 'child.mjs');

class Child {
  constructor(opts) {
    this.opts = opts;
    this.stderr = '';
    this.job = null;
    // ulimit -v: an allocation sized from an untrusted header fails (RangeError -> finding) instead of
    // succeeding lazily; --max-old-space-size caps the JS heap the same way. Under AddressSanitizer
    // (npm run test:asan preloads it) the shadow memory alone is terabytes of address space: no cap there,
    // the array-buffer accounting still applies.
    const asan = /asan/.test(process.env.LD_PRELOAD ?? '');
    const cap = asan ? '' : `ulimit -v ${opts.vmLimitKb} && `;
    this.proc = spawn('/bin/sh', ['-c', `${cap}exec "$0" "$@"`, process.execPath,
      '--expose-gc', `--max-old-space-size=${opts.heapMb}`, CHILD, opts.dist], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.ready = new Promise((resolve, reject) => {
      this.proc.once('message', (m) => (m.ready ? resolve(m) : reject(new Error('child did not start'))));
      this.proc.once('exit', (code, signal) => reject(new Error(`child exited at start (${code ?? signal}): ${this.stderr}`)));
    });
    this.proc.on('message', (m) => this.onMessage(m));
    this.proc.on('exit', (code, signal) => this.onExit(code, signal));
    this.dead = false;
  }

  /** Runs one job; resolves with the child's reply or a { finding } when it crashed or hung. */
  run(job, timeoutMs) {
    return new Promise((resolve) => {
      this.job = { job, resolve };
      this.timer = setTimeout(() => {
        this.finish({ finding: 'hang', message: `no answer within ${timeoutMs} ms` });
        this.kill();
      }, timeoutMs);
      this.proc.send(job);
    });
  }

  finish(reply) {
    if (!this.job) return;
    clearTimeout(this.timer);
    const { resolve } = this.job;
    this.job = null;
    resolve(reply);
  }

  onMessage(m) {
    if (m.ready || !this.job || m.id !== this.job.job.id) return;
    if (m.fatal) {
      this.finish({ finding: m.fatal, message: m.message });
      this.kill();
    } else this.finish(m);
  }

  onExit(code, signal) {
    this.dead = true;
    if (this.closing) return;
    setTimeout(() => this.finish({ finding: 'crash', message: `child exited (code ${code}, signal ${signal}): ${this.stderr.slice(-2000)}` }), 50);
  }

  kill() {
    this.dead = true;
    try {
      this.proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export class Pool {
  constructor(opts) {
    this.opts = opts;
    this.children = [];
  }

  async child(i) {
    if (!this.children[i] || this.children[i].dead) {
      this.children[i] = new Child(this.opts);
      await this.children[i].ready;
    }
    return this.children[i];
  }

  /** Runs `next()` jobs on `size` lanes until it returns null; `done(job, reply)` gets every answer. */
  async drain(next, done, timeoutMs) {
    const lane = async (i) => {
      for (let job = await next(); job; job = await next()) {
        const c = await this.child(i);
        done(job, await c.run(job, job.timeoutMs ?? timeoutMs));
      }
    };
    await Promise.all(Array.from({ length: this.opts.size }, (_, i) => lane(i)));
  }

  close() {
    for (const c of this.children) {
      if (!c) continue;
      c.closing = true;
      if (c.proc.connected) c.proc.disconnect();
    }
  }
}
