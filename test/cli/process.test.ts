/** The real executable: exit codes, stderr, and a closed pipe (crm ... | head) exiting quietly. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, sharedData, fixture } from '../helpers/data.js';

const bin = join(projectRoot, 'bin', 'crm.js');

describe('bin/crm.js', () => {
  it('a closed pipe exits quietly with the status of head', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${bin} summary --sales ${sharedData('cdnow_master_transactions.csv')} --format csv | head -n 2`], { encoding: 'utf8' });
    expect(r.stdout.split('\n')[1]).toMatch(/^1,1997-01-01,/);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.status).toBe(0);
  });
  it('exit code 1 and one line for bad data, 2 for usage', () => {
    const bad = spawnSync('node', [bin, 'summary', '--sales', fixture('broken/bad-date.csv')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const usage = spawnSync('node', [bin, 'summary', '--format', 'xml', '--sales', 'x'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^crm: error: option '-f, --format <format>' argument 'xml' is invalid/);
    const help = spawnSync('node', [bin, 'summary', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--calibration-end <date>/);
  });
});
