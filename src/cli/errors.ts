// CLI exit codes and one-line error messages (a stack trace only with --debug).
import { WeightscopeError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_ANALYSIS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function reportError(e: unknown, debug: boolean): number {
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (e instanceof UsageError) {
    process.stderr.write(`weightscope: ${e.message}\n(see weightscope --help)\n`);
    return EXIT_USAGE;
  }
  if (e instanceof WeightscopeError) {
    process.stderr.write(`weightscope: ${e.code}: ${e.message}\n`);
    return e.code === 'E_OPTION' ? EXIT_USAGE : EXIT_ANALYSIS;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`weightscope: ${msg.split('\n')[0]}\n`);
  return EXIT_ANALYSIS;
}
