/** The larger heap for large inputs: when bin/crm.js restarts in a child Node, and that the child behaves the same. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LARGE_INPUT_BYTES, namedFileBytes, wantedHeapMb } from '../../src/cli/heap.js';
import { fixture, projectRoot } from '../helpers/data.js';

const bin = join(projectRoot, 'bin', 'crm.js');
const current = getHeapStatistics().heap_size_limit / 2 ** 20;

describe('wantedHeapMb', () => {
  it('adds up the sizes of the arguments that are files, also in --option=value form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-heap-'));
    writeFileSync(join(dir, 'a.csv'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'b.csv'), 'x'.repeat(24));
    expect(namedFileBytes(['summary', '--sales', join(dir, 'a.csv'), `--customers=${join(dir, 'b.csv')}`, '--as-of', '2024-01-01', dir])).toBe(1024);
  });

  it('keeps small inputs in this process, and respects limits set by the user', () => {
    expect(wantedHeapMb(['summary', '--sales', fixture('sales.csv')], {}, [])).toBeNull();
    expect(wantedHeapMb([], { CRM_HEAP_MB: '0' }, [])).toBeNull();
    expect(wantedHeapMb([], { CRM_HEAP_MB: String(Math.round(current + 4000)) }, ['--max-old-space-size=100'])).toBeNull();
    expect(wantedHeapMb([], { NODE_OPTIONS: '--max-old-space-size=9000', CRM_HEAP_MB: '20000' }, [])).toBeNull();
  });

  it('asks for CRM_HEAP_MB when it differs from the current limit', () => {
    expect(wantedHeapMb([], { CRM_HEAP_MB: String(Math.round(current + 4000)) }, [])).toBe(Math.round(current + 4000));
    expect(LARGE_INPUT_BYTES).toBe(256 * 2 ** 20);
  });
});

describe('bin/crm.js in a child with a larger heap', () => {
  const run = (args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8', env: { ...process.env, CRM_HEAP_MB: String(Math.round(current + 2000)), CRM_TRACE: '' } });

  it('gives the same output and exit codes as without it', () => {
    const plain = spawnSync('node', [bin, 'summary', '--sales', fixture('sales.csv'), '-f', 'csv', '-q'], { encoding: 'utf8' });
    const child = run(['summary', '--sales', fixture('sales.csv'), '-f', 'csv', '-q']);
    expect(child.status).toBe(0);
    expect(child.stdout).toBe(plain.stdout);
    const bad = run(['summary', '--sales', fixture('broken/bad-date.csv')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(run(['summary', '--format', 'xml', '--sales', 'x']).status).toBe(2);
  });

  it('really runs with the larger limit', () => {
    const r = spawnSync('node', [bin, 'report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '-f', 'json', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, CRM_HEAP_MB: String(Math.round(current + 2000)), CRM_TRACE: '1' },
    });
    expect(r.status).toBe(0);
    const limit = Number(/heap limit (\d+) MB/.exec(r.stderr)?.[1]);
    expect(limit).toBeGreaterThan(current + 1500);
    expect(JSON.parse(r.stdout).overview.customers).toBe(300);
  });
});
