/** Shared pieces of the ingest tests: temporary input files and a snapshot of a sales accumulator. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SalesAccumulator } from '../../src/accumulate/sales.js';

/** A new temporary folder and a function writing `text` to a file of it, returning the path. */
export function tempFiles(prefix: string): { dir: string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Everything a sales accumulator holds, as plain data to compare two reads of the same file. */
export function salesState(s: SalesAccumulator): { customers: unknown[]; minDay: number; maxDay: number; hasMargin: boolean; rows: number[] } {
  const customers = [...s.customers.keys()].map((id) => {
    const st = s.customers.get(id)!;
    return [id, st.days, st.amounts, st.purchase, st.transactions, st.transactionsHoldout, st.margin, st.marginHoldout, st.lastOrder];
  });
  return { customers, minDay: s.minDay, maxDay: s.maxDay, hasMargin: s.hasMargin, rows: [s.rowsCalibration, s.rowsHoldout] };
}
