/** Opens the command's output (stdout or an atomic file) and closes or abandons it. */
import { fileSink, streamSink, type Sink } from '../report/output.js';
import type { Io } from './io.js';

/** Runs `body` with the output sink; on failure a file output is removed, never left half-written. */
export async function withOutput(output: unknown, io: Io, body: (sink: Sink) => Promise<void>): Promise<void> {
  const sink = output !== undefined && output !== '-' ? fileSink(String(output)) : streamSink(io.stdout);
  try {
    await body(sink);
  } catch (err) {
    await sink.abort();
    throw err;
  }
  await sink.close();
}

/** Writes diagnostics to stderr unless quiet. */
export function diagnostics(io: Io, quiet: unknown, lines: string[]): void {
  if (quiet) return;
  for (const line of lines) io.stderr.write(`crm: ${line}\n`);
}
