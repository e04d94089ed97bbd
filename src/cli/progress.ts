/**
 * A progress line on stderr while an input is read: only when stderr is a terminal and not --quiet,
 * redrawn at most every 200 ms, erased when the input is done.
 */
import type { ProgressCallback } from '../ingest/table.js';
import type { Io } from './io.js';

const MB = 1024 * 1024;

/** The progress callback for a run, or undefined when no progress is to be shown. */
export function progressReporter(io: Io, quiet: unknown): ProgressCallback | undefined {
  if (!io.stderr.isTTY || quiet) return undefined;
  let last = 0;
  let shown = false;
  return (file, bytes, total, done) => {
    if (done) {
      if (shown) io.stderr.write('\r\u001b[K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const width = 30;
    const share = total ? Math.min(1, bytes / total) : null;
    const bar = share === null ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
    io.stderr.write(`\r\u001b[Kcrm: reading ${file} ${bar}${(bytes / MB).toFixed(1)} MB`);
    shown = true;
  };
}
