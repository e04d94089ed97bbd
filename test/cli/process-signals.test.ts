/**
 * Interrupted runs (docs/reliability.md): SIGINT, SIGTERM and SIGHUP remove the temporary files beside the
 * outputs and end the process by the signal (a shell reports 128 + its number; the heap parent exits so); the heap child of bin/crm.js dies with its parent, even when
 * the parent is killed with SIGKILL, and never writes the output afterwards; the CSV folder of crm report
 * is replaced as a whole or not at all.
 *
 * The run is held open deterministically: its sales input is a FIFO the test writes a few rows into and keeps
 * open, so the process waits for more input while its rejects output (whose temporary file is made when the
 * run opens it, before reading) is in progress.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, constants, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { fixture, projectRoot } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';
import { folderOutput, removeTemporariesSync, temporaryPaths } from '../../src/report/output.js';
import { canRunAsNobody } from '../helpers/nobody.js';

const nobodyOk = canRunAsNobody();

const bin = join(projectRoot, 'bin', 'crm.js');
const root = mkdtempSync(join(tmpdir(), 'crm-process-signals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = join(root, `t${++n}`);
  mkdirSync(d);
  return d;
};
const heapEnv = { CRM_HEAP_MB: String(Math.round(getHeapStatistics().heap_size_limit / 2 ** 20 + 2000)) };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, test: () => boolean, timeoutMs = 30000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
/** Whether a process runs (a zombie waiting for a parent that does not reap it counts as ended). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // ps exits 1 when the process has no children (or is gone)
    }
  }
}
const exited = (p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve({ code: p.exitCode, signal: p.signalCode }) : p.on('exit', (code, signal) => resolve({ code, signal }))));

interface Run {
  dir: string;
  proc: ChildProcess;
  /** The FIFO's write end, held open by the test. */
  fd: number;
  stderr: () => string;
}

/**
 * `crm summary` reading a FIFO held open, with previous outputs out.csv and rejects.csv; returns once the
 * temporary file of the rejects exists (more than 64 KB of rejected rows are sent, so that even a sink that
 * opens its file only when its first batch is full has one on disk while the run waits for more input).
 */
async function holdRun(env: Record<string, string> = {}): Promise<Run> {
  const dir = freshDir();
  const fifo = join(dir, 'sales.csv');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(join(dir, 'out.csv'), 'previous output\n');
  writeFileSync(join(dir, 'rejects.csv'), 'previous rejects\n');
  // Read-write, so that opening does not wait for the other end; non-blocking, so that no write of the test
  // can block it (a full pipe whose reader was killed once blocked the test worker for good: a writeSync on
  // the main thread, or an fs.write holding a thread of libuv's pool).
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const proc = spawn('node', [bin, 'summary', '--sales', fifo, '--skip-invalid', '--rejects', join(dir, 'rejects.csv'), '-o', join(dir, 'out.csv'), '-f', 'csv', '-q'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const rows = ['customer_id,date,amount', 'A1,2024-01-05,10.00', ...Array.from({ length: 3000 }, (_, i) => `B${i},2024-02-30,12.50`)].join('\n') + '\n';
  void pump(fd, Buffer.from(rows)); // the pipe holds 64 KB: the rest goes in as the run reads
  try {
    await until('the temporary file of --rejects', () => readdirSync(dir).some((f) => f.startsWith('.rejects.csv.')));
  } catch (err) {
    proc.kill('SIGKILL');
    for (const pid of childrenOf(proc.pid!)) process.kill(pid, 'SIGKILL');
    closeSync(fd);
    throw new Error(`${(err as Error).message}; stderr: ${stderr}`);
  }
  return { dir, proc, fd, stderr: () => stderr };
}

/**
 * Writes `data` to the non-blocking `fd` a piece at a time as the pipe takes it (EAGAIN: wait and try again),
 * never blocking; stops when written, or when the fd is closed, reused or fails (the run is over).
 */
async function pump(fd: number, data: Buffer): Promise<void> {
  // the FIFO's inode: once the test has closed the fd, its number may be another file's
  const ino = fstatSync(fd).ino;
  let at = 0;
  while (at < data.length) {
    try {
      if (fstatSync(fd).ino !== ino) return;
      at += writeSync(fd, data, at, data.length - at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      await sleep(5);
    }
  }
}

function expectUntouched(dir: string): void {
  expect(readdirSync(dir).sort()).toEqual(['out.csv', 'rejects.csv', 'sales.csv']); // no temporary file
  expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('previous output\n');
  expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).toBe('previous rejects\n');
}

describe('an interrupted run', () => {
  it('SIGINT, SIGTERM, SIGHUP: temporary files removed, previous outputs untouched, ended by the signal', async () => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const run = await holdRun();
      try {
        run.proc.kill(signal);
        expect(await exited(run.proc)).toEqual({ code: null, signal });
        expectUntouched(run.dir);
      } finally {
        run.proc.kill('SIGKILL');
        closeSync(run.fd);
      }
    }
  });

  it('the heap child: SIGTERM to the parent ends both, with the temporary files removed', async () => {
    const run = await holdRun(heapEnv);
    const children = childrenOf(run.proc.pid!);
    try {
      expect(children).toHaveLength(1);
      run.proc.kill('SIGTERM');
      expect(await exited(run.proc)).toEqual({ code: 143, signal: null });
      await until('the heap child to end', () => !alive(children[0]), 5000);
      expectUntouched(run.dir);
    } finally {
      for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
      closeSync(run.fd);
    }
  });

  it('the heap child: SIGKILL of the parent ends the child, which removes its temporary files and never writes the output', async () => {
    const run = await holdRun(heapEnv);
    const children = childrenOf(run.proc.pid!);
    let fdOpen = true;
    try {
      expect(children).toHaveLength(1);
      run.proc.kill('SIGKILL');
      await exited(run.proc);
      await until('the heap child to end', () => !alive(children[0]), 5000);
      expectUntouched(run.dir);
      // The rest of the input: a surviving child would now finish and write out.csv and rejects.csv.
      try {
        writeSync(run.fd, 'A3,2024-03-01,9.99\n');
      } catch {
        // no reader left
      }
      closeSync(run.fd);
      fdOpen = false;
      await sleep(300);
      expectUntouched(run.dir);
    } finally {
      for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
      if (fdOpen) closeSync(run.fd);
    }
  });
});

describe('crm report --output-dir: the folder as a whole', () => {
  const sales = fixture('sales.csv');

  it('replaces a previous folder: new tables in, files it does not write kept, nothing left beside', async () => {
    const parent = freshDir();
    const dir = join(parent, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'customers.csv'), 'old\n');
    writeFileSync(join(dir, 'mine.txt'), 'my notes\n');
    const r = await runCli(['report', '--sales', sales, '-f', 'csv', '--output-dir', dir, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toMatch(/^customer_id,first_purchase,/);
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('my notes\n');
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('a run that fails while putting the folder in place leaves the previous folder as it was', async () => {
    const parent = freshDir();
    const dir = join(parent, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'customers.csv'), 'old customers\n');
    writeFileSync(join(dir, 'notes.txt'), 'old notes\n');
    mkdirSync(join(dir, 'segments.csv')); // in the way of one of the tables
    const r = await runCli(['report', '--sales', sales, '-f', 'csv', '--output-dir', dir, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^crm: error: cannot write .*segments\.csv: it exists and is not a regular file\n$/);
    expect(readdirSync(dir).sort()).toEqual(['customers.csv', 'notes.txt', 'segments.csv']);
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toBe('old customers\n');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('old notes\n');
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('a folder that is not the report\'s alone (a subfolder in it) is not replaced: the new files are moved in, the rest kept', async () => {
    const parent = freshDir();
    const dir = join(parent, 'out');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'x.txt'), 'x\n');
    writeFileSync(join(dir, 'customers.csv'), 'old\n');
    const r = await runCli(['report', '--sales', sales, '-f', 'csv', '--output-dir', dir, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toMatch(/^customer_id,/);
    expect(readFileSync(join(dir, 'sub', 'x.txt'), 'utf8')).toBe('x\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it.skipIf(!nobodyOk)('an existing folder whose parent is not writable (run as nobody when we are root) still gets the report', () => {
    const parent = freshDir();
    const dir = join(parent, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'customers.csv'), 'old\n');
    chmodSync(root, 0o755);
    if (process.getuid?.() === 0) chownSync(dir, 65534, 65534);
    else chmodSync(dir, 0o755);
    chmodSync(join(dir, 'customers.csv'), 0o666);
    chmodSync(parent, 0o555);
    try {
      const r = spawnSync('node', [bin, 'report', '--sales', sales, '-f', 'csv', '--output-dir', dir, '-q'], { encoding: 'utf8', ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}) });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toMatch(/^customer_id,/);
      expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    } finally {
      chmodSync(parent, 0o755);
      chmodSync(root, 0o700);
    }
  });

  it('an interrupted folder (what the signal handler does) leaves no temporary folder and the previous folder as it was', async () => {
    const parent = freshDir();
    const dir = join(parent, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'customers.csv'), 'old\n');
    const folder = folderOutput(dir);
    await folder.file('customers.csv').write('customer_id\nnew\n');
    expect(temporaryPaths().length).toBeGreaterThan(0);
    expect(readdirSync(parent).length).toBe(2);
    removeTemporariesSync();
    expect(temporaryPaths()).toEqual([]);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readdirSync(dir)).toEqual(['customers.csv']);
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toBe('old\n');
  });
});
