// The CLI in a real terminal (tmux) at 80, 100 and 120 columns: one line per layer, nothing wider than the
// terminal, names escaped (the terminal shows "\x1b[31m" as text and gets no colour change), and the
// progress bar with its ETA on one line. Captures are saved to test/output/tmux-*.txt.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from './helpers/reference.js';
import { run } from './helpers/child.js';

const tmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const main = join(process.cwd(), 'dist', 'cli', 'main.js');
const names = join(fixturesDir, 'models', 'names.safetensors');
const out = join(process.cwd(), 'test', 'output');
const LAYERS = 15;

let sessions = 0;

/** Runs `command` in a detached tmux pane `width` columns wide; returns the pane once `done` shows in it. */
async function inTmux(width: number, command: string, done: RegExp, escapes = false): Promise<string> {
  // A socket of its own per call: kill-server returns before the old server has gone, and a new session on
  // the same socket can meet the exiting server ("server exited unexpectedly").
  const sock = `ws-test-${process.pid}-${width}-${++sessions}`;
  const t = (...args: string[]) => run('tmux', ['-L', sock, ...args]);
  try {
    let started = await t('new-session', '-d', '-x', String(width), '-y', '80', `${command}; sleep 60`);
    for (let retry = 0; started.status !== 0 && /server exited/.test(started.stderr) && retry < 3; retry++) {
      await new Promise((r) => setTimeout(r, 500)); // a loaded machine: the server died starting; start it again
      started = await t('new-session', '-d', '-x', String(width), '-y', '80', `${command}; sleep 60`);
    }
    if (started.status !== 0) throw new Error(started.stderr);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pane = (await t('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-S', '-', '-E', '-')).stdout;
      if (done.test(pane) || Date.now() > deadline) return pane;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await t('kill-server');
  }
}

describe.skipIf(!tmux)(`the CLI in tmux${tmux ? '' : ' (skipped: tmux not installed)'}`, () => {
  mkdirSync(out, { recursive: true });
  const node = JSON.stringify(process.execPath);

  for (const width of [80, 100, 120]) {
    it(`${width} columns: one line per layer, nothing wider, names escaped`, async () => {
      const cmd = `${node} ${JSON.stringify(main)} analyze ${JSON.stringify(names)} --no-progress; echo __END__`;
      const pane = (await inTmux(width, cmd, /__END__/));
      writeFileSync(join(out, `tmux-${width}.txt`), pane);
      const lines = pane.split('\n');
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(width);
      const head = lines.findIndex((l) => l.startsWith('name '));
      expect(head).toBeGreaterThanOrEqual(0);
      const rows = lines.slice(head + 2, lines.indexOf('', head));
      expect(rows).toHaveLength(LAYERS);
      for (const r of rows) expect(r).toMatch(/\d\.\d+/); // every row holds its numbers: no wrapped continuation lines
      expect(pane).toContain('evil\\x1b[31m');
      expect(pane).toMatch(/15 layers analysed/);
      const coloured = (await inTmux(width, cmd, /__END__/, true));
      expect(coloured).not.toMatch(/\x1b\[31m/); // the name's escape sequence never reached the terminal as one
    });
  }

  it('the progress bar shows done/total and an ETA, on one line of an 80-column terminal', async () => {
    const script = `
const { createProgress } = require(${JSON.stringify(join(process.cwd(), 'dist', 'cli', 'progress.js'))});
const p = createProgress(true);
p.update(1, 10, 'model.layers.0.self_attn.q_proj.weight');
setTimeout(() => { p.update(3, 10, 'model.layers.31.mlp.down_proj.weight.with.a.very.long.name.indeed\\x1b[31m'); }, 300);
setTimeout(() => { console.error('\\n__BAR__'); }, 600);
setTimeout(() => {}, 30000);`;
    const file = join(out, 'tmux-progress.cjs');
    writeFileSync(file, script);
    const pane = (await inTmux(80, `${node} ${JSON.stringify(file)}`, /__BAR__/));
    writeFileSync(join(out, 'tmux-progress-80.txt'), pane);
    const bar = pane.split('\n').find((l) => l.includes('3/10'));
    expect(bar, pane).toBeDefined();
    expect(bar!).toMatch(/ETA \d+s/);
    expect(bar!.length).toBeLessThanOrEqual(80);
    expect(bar!).toContain('\\x1b[31m'.slice(0, 4)); // the name is escaped (and elided to fit)
  });
});
