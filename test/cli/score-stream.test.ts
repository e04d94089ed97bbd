/**
 * crm score's memory does not grow with the summary: the reader hands rows over chunk by chunk and waits
 * for the output between chunks (streamSummaryFile's drain), so at most one chunk's rows are pending.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { streamSummaryFile } from '../../src/ingest/summary-file.js';
import { DEFAULT_INGEST } from '../../src/ingest/table.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-score-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamSummaryFile', () => {
  it('drains between chunks: pending rows stay at one chunk (1 MiB) whatever the file size', async () => {
    const n = 120_000; // about 4 MB
    const lines = ['customer_id,frequency,recency,T,monetary_value'];
    for (let i = 0; i < n; i++) lines.push(`C${String(i).padStart(8, '0')},${i % 5},${i % 5 === 0 ? 0 : 3.5},${10 + (i % 40)},${(i % 5) * 10}`);
    const file = join(dir, 'summary.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    let pending = 0;
    let most = 0;
    let drains = 0;
    let rows = 0;
    const { account } = await streamSummaryFile(
      file,
      { ...DEFAULT_INGEST, periodDays: 7 },
      { stdin: new PassThrough() },
      () => {
        rows++;
        pending++;
        most = Math.max(most, pending);
      },
      async () => {
        drains++;
        pending = 0;
      },
    );
    expect(rows).toBe(n);
    expect(account.used).toBe(n);
    expect(drains).toBeGreaterThanOrEqual(3);
    // At most one 1 MiB chunk of rows between drains (plus the line cut at the chunk's end), far below the file.
    const shortest = Math.min(...lines.slice(1).map((l) => l.length + 1));
    expect(most).toBeLessThanOrEqual(Math.ceil((1 << 20) / shortest) + 1);
    expect(most).toBeLessThan(n / 2);
  });
});
