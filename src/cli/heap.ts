/**
 * The heap limit for large inputs. V8 caps the JavaScript heap at about 4 GB whatever the machine has, and a
 * report of a million customers needs more (docs/performance.md); past the cap Node aborts with a stack trace
 * instead of our one-line error. So when the files named on the command line are large, `bin/crm.js` runs
 * the command in a child Node with a larger limit (three quarters of the machine's memory), with the same
 * arguments and the same stdin, stdout and stderr (so terminal detection and pipes behave the same), and
 * exits with its exit code. Small inputs run in the first process, without the cost of a second start.
 *
 * CRM_HEAP_MB=N sets the limit in MiB (0 = never restart); NODE_OPTIONS or node flags that set
 * --max-old-space-size are respected as given.
 */
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Inputs larger than this in total (bytes) get the larger heap. */
export const LARGE_INPUT_BYTES = 256 * 2 ** 20;

/** Total size of the arguments that name regular files (options' values included). */
export function namedFileBytes(args: readonly string[]): number {
  let total = 0;
  for (const arg of args) {
    const value = arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (value === '' || value.startsWith('-')) continue;
    try {
      const s = statSync(value);
      if (s.isFile()) total += s.size;
    } catch {
      // not a file
    }
  }
  return total;
}

/**
 * The heap limit (MiB) the command should run with, or null to run in this process: null when the limit is
 * set by the user (node flags, NODE_OPTIONS, CRM_HEAP_MB=0), when the inputs are small, or when this
 * process's limit is already at least the wanted one.
 */
export function wantedHeapMb(args: readonly string[], env: NodeJS.ProcessEnv, execArgv: readonly string[]): number | null {
  if (execArgv.some((a) => a.includes('max-old-space-size')) || (env.NODE_OPTIONS ?? '').includes('max-old-space-size')) return null;
  const current = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (env.CRM_HEAP_MB !== undefined && env.CRM_HEAP_MB !== '') {
    const mb = Number(env.CRM_HEAP_MB);
    return Number.isFinite(mb) && mb > 0 && Math.abs(mb - current) > 64 ? Math.round(mb) : null;
  }
  if (namedFileBytes(args) < LARGE_INPUT_BYTES) return null;
  const wanted = Math.floor((0.75 * totalmem()) / 2 ** 20);
  return wanted > current * 1.25 ? wanted : null;
}
