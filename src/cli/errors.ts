// CLI exit codes and one-line error messages (a stack trace only with --debug). Messages can quote names
// from a file, so they are escaped like everything else that reaches the terminal.
import { WeightscopeError } from '../errors.js';
import { escapeControl } from '../report/terminal.js';

export const EXIT_OK = 0;
export const EXIT_ANALYSIS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

const oneLine = (s: string) => escapeControl(s.split('\n')[0].replace(/^weightscope: /, ''));

export function reportError(e: unknown, debug: boolean): number {
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (e instanceof UsageError) {
    process.stderr.write(`weightscope: ${oneLine(e.message)}\n(see weightscope --help)\n`);
    return EXIT_USAGE;
  }
  if (e instanceof WeightscopeError) {
    process.stderr.write(`weightscope: ${e.code}: ${oneLine(e.message)}\n`);
    return e.code === 'E_OPTION' ? EXIT_USAGE : EXIT_ANALYSIS;
  }
  // anything else (an addon that cannot load, a file system error): its first line
  process.stderr.write(`weightscope: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
  return EXIT_ANALYSIS;
}
