/** An output that is the contacts or costs input is refused (exit 2), as for the other inputs. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

describe('output = input for contacts and costs', () => {
  it('crm campaign -o the contacts file exits 2 and leaves it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-outin-'));
    const contacts = join(dir, 'contacts.csv');
    const text = 'customer_id,campaign,date,group\nC000001,spring,2025-03-01,treatment\nC000002,spring,2025-03-01,control\n';
    writeFileSync(contacts, text);
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', fixture('sales.csv'), '-o', contacts]);
    expect(r.code).toBe(2);
    expect(readFileSync(contacts, 'utf8')).toBe(text);
  });
});
