/** The row account of each input as text: what was read, used, rejected (by reason) and excluded. */
import { type LoadedData } from '../../ingest/load.js';
import type { RowAccount } from '../../ingest/table.js';
import { unknownCustomerWarnings } from '../../analysis/accounting.js';

/** `read 6919: used 6900, rejected 19 (invalid date 19), excluded 0` */
export function describeAccount(a: RowAccount): string {
  const parts = [`read ${a.read}`, `used ${a.used}`];
  const reasons = Object.entries(a.rejectedByReason).map(([r, n]) => `${r} ${n}`);
  parts.push(`rejected ${a.rejected}${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  for (const [reason, n] of Object.entries(a.excluded)) parts.push(`excluded ${n} (${reason})`);
  return parts.join(', ');
}

/** Lines for stderr: the row account per input and the unknown customers. */
export function accountLines(data: LoadedData): string[] {
  const lines = data.accounts.map((a) => `${a.kind} ${a.file}: ${describeAccount(a)}`);
  lines.push(...unknownCustomerWarnings(data));
  return lines;
}
