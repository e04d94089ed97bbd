/**
 * Output sinks: stdout, or a file written atomically (a temporary file beside the target, renamed into
 * place only when the whole output was written; a failed run removes it and leaves any previous file).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { OutputError } from '../errors.js';

export interface Sink {
  write(text: string): Promise<void>;
  /** Finishes the output (renames the temporary file into place). */
  close(): Promise<void>;
  /** Abandons the output (removes the temporary file). */
  abort(): Promise<void>;
}

const BATCH = 1 << 16;

async function writeTo(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        stream.off('drain', onDrain);
        reject(err);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}

/** A batching sink over a stream that is not ours to close (stdout). */
export function streamSink(stream: Writable): Sink {
  let buffer = '';
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= BATCH) {
        const out = buffer;
        buffer = '';
        await writeTo(stream, out);
      }
    },
    async close() {
      if (buffer) await writeTo(stream, buffer);
      buffer = '';
    },
    async abort() {
      buffer = '';
    },
  };
}

/** A sink writing `path` atomically. @throws OutputError when the file cannot be written */
export function fileSink(path: string): Sink {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let stream: WriteStream | undefined;
  let failure: Error | undefined;
  let buffer = '';
  const open = (): WriteStream => {
    if (!stream) {
      stream = createWriteStream(temp);
      stream.on('error', (err) => {
        failure = err;
      });
    }
    return stream;
  };
  const fail = (err: unknown): OutputError =>
    new OutputError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  const flush = async (): Promise<void> => {
    const out = buffer;
    buffer = '';
    try {
      await writeTo(open(), out);
    } catch (err) {
      throw fail(err);
    }
    if (failure) throw fail(failure);
  };
  const finish = (s: WriteStream): Promise<void> =>
    new Promise((resolve, reject) => {
      if (failure) reject(failure);
      s.once('error', reject);
      s.end(() => resolve());
    });
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= BATCH) await flush();
    },
    async close() {
      try {
        await flush();
        await finish(open());
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err instanceof OutputError ? err : fail(err);
      }
    },
    async abort() {
      buffer = '';
      if (stream) {
        stream.destroy();
        await unlink(temp).catch(() => undefined);
      }
    },
  };
}
