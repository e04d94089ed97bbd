/** Runs the CLI in memory: main() with string streams; returns stdout, stderr and the exit code. */
import { PassThrough, Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Collector extends Writable {
  text = '';
  isTTY: boolean;
  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runCli(
  argv: string[],
  { stdin, tty = false, stderrTty = false, cwd = process.cwd(), env = {} }: { stdin?: string | Buffer; tty?: boolean; stderrTty?: boolean; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const stdout = new Collector(tty);
  const stderr = new Collector(stderrTty);
  const input = stdin === undefined ? new PassThrough() : Readable.from([typeof stdin === 'string' ? Buffer.from(stdin) : stdin]);
  if (stdin === undefined) (input as PassThrough).end();
  const io: Io = { stdin: input, stdout, stderr, env, cwd };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
