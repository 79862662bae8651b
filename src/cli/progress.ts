// Progress on long work: a bar on a TTY (cli-progress), plain lines otherwise (logs, CI). Always stderr,
// so stdout carries only the requested output (table/JSON/CSV).
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number | undefined, label: string): void;
  stop(): void;
}

export function createProgress(enabled: boolean): Progress {
  if (!enabled) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: ' {bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label) {
        if (!started) {
          bar.start(total ?? 0, done, { label });
          started = true;
        }
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { label });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    update(done, total, label) {
      process.stderr.write(`[${done}${total !== undefined ? `/${total}` : ''}] ${label}\n`);
    },
    stop() {},
  };
}
