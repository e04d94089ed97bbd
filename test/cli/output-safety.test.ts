/**
 * Outputs are safe (docs/reliability.md): a regular file is replaced atomically, a symbolic link stays a
 * link (its target is written), a device or FIFO is written through (never replaced), no output may be an
 * input, and a failing environment (no such folder, no permission, disk full) gives one line and exit 1.
 *
 * Devices: the write-through is tried on private device nodes made with mknod in a temporary folder (root
 * only); the real /dev/null is written only after that test passed, and only asserted to stay a device.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, projectRoot } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';
import { canRunAsNobody } from '../helpers/nobody.js';

const nobodyOk = canRunAsNobody();

const bin = join(projectRoot, 'bin', 'crm.js');
const root = mkdtempSync(join(tmpdir(), 'crm-output-safety-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = join(root, `t${++n}`);
  mkdirSync(d);
  return d;
};
const isRoot = process.getuid?.() === 0;
const sales = fixture('sales.csv');
/** Files in a folder that look like temporaries of ours. */
const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.'));
const oneLineError = (stderr: string): void => {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^crm: error: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
};

/** The summary CSV of the fixture as written to stdout: what every file output must hold. */
let expectedCsv = '';
async function expected(): Promise<string> {
  if (!expectedCsv) {
    const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q']);
    expect(r.code).toBe(0);
    expectedCsv = r.stdout;
  }
  return expectedCsv;
}

/** Makes a device node (root only); null when it cannot be made here. */
function mknod(path: string, major: number, minor: number): string | null {
  try {
    execFileSync('mknod', [path, 'c', String(major), String(minor)], { stdio: 'ignore' });
    return statSync(path).isCharacterDevice() ? path : null;
  } catch {
    return null;
  }
}

describe('--output to a regular file, a symbolic link, a FIFO, a device', () => {
  it('replaces a regular file atomically: a reader of the old file keeps it, permissions are kept, no temporary is left', async () => {
    const dir = freshDir();
    const out = join(dir, 'out.csv');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o640);
    const fd = openSync(out, 'r');
    try {
      const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', out]);
      expect(r.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(await expected());
      expect(readFileSync(fd, 'utf8')).toBe('old\n'); // renamed into place, not rewritten in place
      expect(statSync(out).mode & 0o777).toBe(0o640);
      expect(readdirSync(dir)).toEqual(['out.csv']);
    } finally {
      closeSync(fd);
    }
    // A failed run leaves the previous file and no temporary.
    const before = readFileSync(out, 'utf8');
    const bad = await runCli(['summary', '--sales', fixture('broken/bad-date.csv'), '-f', 'csv', '-q', '-o', out]);
    expect(bad.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('keeps a symbolic link a link and writes its target (also through a chain, and to a missing target)', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'data'));
    const target = join(dir, 'data', 'target.csv');
    writeFileSync(target, 'old\n');
    symlinkSync('data/target.csv', join(dir, 'link.csv'));
    symlinkSync('link.csv', join(dir, 'link2.csv'));
    for (const link of ['link.csv', 'link2.csv']) {
      writeFileSync(target, 'old\n');
      const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', join(dir, link)]);
      expect(r.code).toBe(0);
      expect(lstatSync(join(dir, link)).isSymbolicLink()).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe(await expected());
    }
    expect(readlinkSync(join(dir, 'link.csv'))).toBe('data/target.csv');
    expect(readlinkSync(join(dir, 'link2.csv'))).toBe('link.csv');
    symlinkSync('data/new.csv', join(dir, 'dangling.csv'));
    const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', join(dir, 'dangling.csv')]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'dangling.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'data', 'new.csv'), 'utf8')).toBe(await expected());
    expect(leftovers(dir)).toEqual([]);
    expect(leftovers(join(dir, 'data'))).toEqual([]);
  });

  it('--rejects follows the same rules: a link stays a link', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'target.csv'), 'old\n');
    symlinkSync('target.csv', join(dir, 'rejects.csv'));
    const r = await runCli(['summary', '--sales', fixture('broken/bad-date.csv'), '--skip-invalid', '--rejects', join(dir, 'rejects.csv'), '-f', 'csv', '-q']);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'rejects.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.csv'), 'utf8')).toMatch(/^file,line,column,reason,record\n.*2024-02-30/s);
  });

  it('writes through to a FIFO: its reader gets the output and the FIFO stays a FIFO', async () => {
    const dir = freshDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const ended = new Promise<number | null>((resolve) => reader.on('close', (code) => resolve(code)));
    const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', fifo]);
    // A replaced FIFO never gets a writer: do not wait for the reader forever.
    const timer = setTimeout(() => reader.kill(), 5000);
    const code = await ended;
    clearTimeout(timer);
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(code).toBe(0);
    expect(got).toBe(await expected());
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  let deviceWriteThrough = false;
  it.skipIf(!isRoot)('writes through to a character device (a private null device): it stays a device', async () => {
    const dir = freshDir();
    const dev = mknod(join(dir, 'null'), 1, 3);
    if (dev === null) return; // no device nodes here
    const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', dev]);
    expect(r.code).toBe(0);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(['null']);
    deviceWriteThrough = true;
  });

  it('-o /dev/null leaves /dev/null a character device (tried only after the private device passed)', async () => {
    if (isRoot && !deviceWriteThrough) expect.fail('the write-through to a private device failed: not touching /dev/null');
    const before = statSync('/dev/null');
    expect(before.isCharacterDevice()).toBe(true);
    const r = await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', '/dev/null']);
    expect(r.code).toBe(0);
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });

  it('-o /dev/stdout writes to standard output: a pipe, a file opened for appending (>>) keeps its content', async () => {
    if (isRoot && !deviceWriteThrough) expect.fail('the write-through to a private device failed: not touching /dev/stdout');
    const link = lstatSync('/dev/stdout').isSymbolicLink() ? readlinkSync('/dev/stdout') : null;
    const piped = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', '-f', 'csv', '-o', '/dev/stdout'], { encoding: 'utf8' });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(await expected());
    const dir = freshDir();
    const file = join(dir, 'appended.csv');
    writeFileSync(file, 'previous\n');
    const fd = openSync(file, 'a');
    try {
      const r = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', '-f', 'csv', '-o', '/dev/stdout'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(`previous\n${await expected()}`);
    expect(readdirSync(dir)).toEqual(['appended.csv']);
    if (link !== null) expect(readlinkSync('/dev/stdout')).toBe(link);
  });
});

describe('an output that is an input is refused (exit 2), the input untouched', () => {
  const refused = async (argv: string[], input: string, cwd?: string): Promise<void> => {
    const before = readFileSync(input);
    const r = await runCli(argv, cwd ? { cwd } : {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: error: .*(is the input|would overwrite the input|are the same file)/);
    expect(readFileSync(input).equals(before)).toBe(true);
  };

  it('--output, --rejects and fit --save on --sales: same path, through a symbolic link, a hard link', async () => {
    const dir = freshDir();
    const input = join(dir, 'in.csv');
    copyFileSync(sales, input);
    symlinkSync('in.csv', join(dir, 'link.csv'));
    linkSync(input, join(dir, 'hard.csv'));
    await refused(['summary', '--sales', input, '-o', input], input);
    await refused(['summary', '--sales', input, '-o', join(dir, 'link.csv')], input);
    await refused(['summary', '--sales', join(dir, 'link.csv'), '-o', input], input);
    await refused(['summary', '--sales', input, '-o', join(dir, 'hard.csv')], input);
    await refused(['summary', '--sales', input, '--skip-invalid', '--rejects', input, '-o', join(dir, 'out.csv')], input);
    await refused(['fit', '--sales', input, '--model', 'bgnbd', '--save', join(dir, 'link.csv'), '-q'], input);
    expect(readdirSync(dir).sort()).toEqual(['hard.csv', 'in.csv', 'link.csv']);
  });

  it('the other inputs: --customers, --payments, --summary, --config, --model-file; and two outputs on one file', async () => {
    const dir = freshDir();
    for (const f of ['customers.csv', 'payments.csv', 'sales.csv']) copyFileSync(fixture(f), join(dir, f));
    await refused(['segment', '--sales', join(dir, 'sales.csv'), '--customers', join(dir, 'customers.csv'), '-o', join(dir, 'customers.csv')], join(dir, 'customers.csv'));
    await refused(['payments', '--payments', join(dir, 'payments.csv'), '-o', join(dir, 'payments.csv')], join(dir, 'payments.csv'));
    const summary = join(dir, 'summary.csv');
    expect((await runCli(['summary', '--sales', sales, '-f', 'csv', '-q', '-o', summary])).code).toBe(0);
    await refused(['fit', '--summary', summary, '--model', 'bgnbd', '-f', 'json', '-o', summary], summary);
    const config = join(dir, 'c.json');
    writeFileSync(config, '{}\n');
    await refused(['summary', '--sales', sales, '--config', config, '-o', config], config);
    // the config file read by default from the working folder
    writeFileSync(join(dir, 'crm.config.json'), '{}\n');
    await refused(['summary', '--sales', sales, '-o', join(dir, 'crm.config.json')], join(dir, 'crm.config.json'), dir);
    const model = join(dir, 'model.json');
    expect((await runCli(['fit', '--sales', sales, '--model', 'bgnbd', '--save', model, '-q', '-o', join(dir, 'fit.txt')])).code).not.toBe(2);
    await refused(['value', '--sales', sales, '--model-file', model, '-o', model], model);
    const out = join(dir, 'out.csv');
    writeFileSync(out, 'old\n');
    await refused(['summary', '--sales', fixture('broken/bad-date.csv'), '--skip-invalid', '--rejects', out, '-o', out], out);
  });

  it('an input read from standard input that is the output file', () => {
    const dir = freshDir();
    const input = join(dir, 'in.csv');
    copyFileSync(sales, input);
    const fd = openSync(input, 'r');
    try {
      const r = spawnSync('node', [bin, 'summary', '--sales', '-', '-o', input], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/is the input --sales - \(standard input\)/);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(input).equals(readFileSync(sales))).toBe(true);
  });

  it('only files are inputs: crm generate --customers 5 --out 5 is fine', () => {
    const dir = freshDir();
    const r = spawnSync('node', [bin, 'generate', '--customers', '5', '--out', '5', '-q'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, '5')).sort()).toEqual(['customers.csv', 'payments.csv', 'sales.csv', 'truth.json']);
  });

  it('report --output-dir: a file it would write is an input', async () => {
    const dir = freshDir();
    copyFileSync(fixture('customers.csv'), join(dir, 'customers.csv'));
    await refused(['report', '--sales', sales, '--customers', join(dir, 'customers.csv'), '-f', 'csv', '--output-dir', dir, '-q'], join(dir, 'customers.csv'));
    expect(readdirSync(dir)).toEqual(['customers.csv']);
  });
});

describe('environment failures: one line naming the path and the reason, exit 1', () => {
  it('the output folder does not exist (--output, --rejects, --save)', async () => {
    const dir = freshDir();
    for (const argv of [
      ['summary', '--sales', sales, '-o', join(dir, 'missing', 'out.csv')],
      ['summary', '--sales', sales, '--skip-invalid', '--rejects', join(dir, 'missing', 'out.csv')],
      ['fit', '--sales', sales, '--model', 'bgnbd', '--save', join(dir, 'missing', 'out.csv')],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(1);
      oneLineError(r.stderr);
      expect(r.stderr).toContain(`cannot write ${join(dir, 'missing', 'out.csv')}: folder ${join(dir, 'missing')} does not exist`);
    }
  });

  it('an output that is a folder, an output folder that is a file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'file'), 'x');
    const cases: [string[], RegExp][] = [
      [['summary', '--sales', sales, '-o', dir], /it is a folder/],
      [['report', '--sales', sales, '-f', 'csv', '--output-dir', join(dir, 'file')], /not a folder/],
      [['report', '--sales', sales, '-f', 'csv', '--output-dir', join(dir, 'file', 'sub')], /not a folder/],
      [['generate', '--customers', '5', '--out', join(dir, 'file'), '-q'], /not a folder/],
    ];
    for (const [argv, reason] of cases) {
      const r = await runCli(argv);
      expect(r.code).toBe(1);
      oneLineError(r.stderr);
      expect(r.stderr).toMatch(reason);
    }
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('x');
  });

  it.skipIf(!nobodyOk)('an unwritable folder (run as nobody when we are root)', () => {
    const dir = freshDir();
    chmodSync(root, 0o755);
    chmodSync(dir, 0o755);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const asUser = isRoot ? { uid: 65534, gid: 65534 } : {};
    for (const args of [['-o', join(ro, 'out.csv')], ['--skip-invalid', '--rejects', join(ro, 'rejects.csv')]]) {
      const r = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', ...args], { encoding: 'utf8', ...asUser });
      expect(r.status).toBe(1);
      oneLineError(r.stderr);
      expect(r.stderr).toContain(`cannot write ${args[args.length - 1]}: folder ${ro} is not writable: permission denied`);
    }
    for (const args of [['report', '-f', 'csv', '--output-dir', join(ro, 'sub')], ['generate', '--customers', '5', '--out', join(ro, 'sub')]]) {
      const r = spawnSync('node', [bin, ...args, ...(args[0] === 'report' ? ['--sales', sales] : []), '-q'], { encoding: 'utf8', ...asUser });
      expect(r.status).toBe(1);
      oneLineError(r.stderr);
      expect(r.stderr).toContain(`cannot write ${join(ro, 'sub')}: folder ${ro} is not writable: permission denied`);
    }
    expect(readdirSync(ro)).toEqual([]);
    chmodSync(root, 0o700);
  });

  it.skipIf(!isRoot)('disk full: -o to a full device, and standard output on a full device', () => {
    const dir = freshDir();
    const full = mknod(join(dir, 'full'), 1, 7);
    if (full === null) return;
    const r = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', '-f', 'csv', '-o', full], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    oneLineError(r.stderr);
    expect(r.stderr).toContain(`cannot write ${full}: no space left on device`);
    expect(lstatSync(full).isCharacterDevice()).toBe(true);
    const fd = openSync(full, 'w');
    try {
      for (const format of ['csv', 'table']) {
        const s = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', '-f', format], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
        expect(s.status).toBe(1);
        oneLineError(s.stderr);
        expect(s.stderr).toContain('cannot write to standard output: no space left on device');
      }
    } finally {
      closeSync(fd);
    }
  });

  it('TMPDIR pointing nowhere does not matter (the temporary file is made beside the output)', () => {
    const dir = freshDir();
    const r = spawnSync('node', [bin, 'summary', '--sales', sales, '-q', '-f', 'csv', '-o', join(dir, 'out.csv')], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: join(dir, 'nowhere'), TEMP: join(dir, 'nowhere'), TMP: join(dir, 'nowhere') },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });
});
