// Progress on long work, always on stderr so that stdout carries only the requested output: a bar with
// an ETA on a terminal (cli-progress), one plain line per layer otherwise (logs, CI). Layer names are
// escaped (they come from the file) and elided to the terminal's width, so the bar stays on one line.
import cliProgress from 'cli-progress';
import { escapeControl, shortenName } from '../report/index.js';

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

function eta(startMs: number, done: number, total: number): string {
  if (done === 0 || done >= total) return '';
  const s = ((performance.now() - startMs) / 1000 / done) * (total - done);
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.max(1, Math.round(s))} s`;
}

export function createProgress(enabled: boolean): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const start = performance.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: ' {bar} {value}/{total}  ETA {eta_formatted}  {label}', hideCursor: true, clearOnComplete: true, barsize: 24 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    // the rest of the line: 1 + bar 24 + 1 + done/total + 2 + 'ETA ' + up to 6 + 2, and a cell to spare
    const fit = (label: string, total: number) => shortenName(escapeControl(label), Math.max(8, (process.stderr.columns || 80) - 42 - 2 * String(total).length));
    return {
      update(done, total, label) {
        if (!started) {
          bar.start(total, done, { label: fit(label, total) });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { label: fit(label, total) });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    update(done, total, label) {
      const left = eta(start, done, total);
      process.stderr.write(`[${done}/${total}${left ? `, ETA ${left}` : ''}] ${escapeControl(label)}\n`);
    },
    stop() {},
  };
}
