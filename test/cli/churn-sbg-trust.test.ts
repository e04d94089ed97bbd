/** crm churn --counts: an sBG fit that cannot be trusted is a reason, not a projection. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('crm churn --counts with an untrusted sBG fit', () => {
  it('no churn at all (100, 100, 100): the sbg section is { error } naming the problem, and no projection is printed', async () => {
    const r = await runCli(['churn', '--counts', '100,100,100', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.sbg.error).toMatch(/^the sBG fit cannot be used: /);
    expect(doc.notes.join('\n')).toContain('not computed');
    const table = await runCli(['churn', '--counts', '100,100,100', '--format', 'table']);
    expect(table.stdout).not.toMatch(/expected active/i);
    expect(table.stdout).toContain('the sBG fit cannot be used');
  });

  it('a fit the data determine still gives its projection', async () => {
    const r = await runCli(['churn', '--counts', '1000,631,468,382', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.sbg.model.trusted).toBe(true);
    expect(doc.sbg.projection.length).toBeGreaterThan(0);
  });
});
