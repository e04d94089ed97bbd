/**
 * The row account of a run's inputs as the analyses leave it: rows an analysis leaves out on purpose (invoices
 * after the as-of day, contacts of the other group) move from used to excluded, so that read = used + rejected
 * + Σ excluded holds for what the analyses used; and the customers of one input missing from the customers file.
 */
import type { LoadedData, UnknownCustomers } from '../ingest/load.js';
import type { InputKind } from '../ingest/schema.js';
import { shownValue } from '../core/strings.js';

/**
 * Moves rows an analysis left out on purpose (e.g. invoices dated after the as-of day) from `used` to
 * `excluded` in the row account of the input of `kind`, so that the account says what the analysis used:
 * read = used + rejected + Σ excluded still holds.
 */
export function excludeRows(data: Pick<LoadedData, 'accounts'>, kind: InputKind, excluded: Readonly<Record<string, number>>): void {
  const account = data.accounts.find((a) => a.kind === kind);
  if (!account) return;
  for (const [reason, n] of Object.entries(excluded)) {
    if (n <= 0) continue;
    account.used -= n;
    account.excluded[reason] = (account.excluded[reason] ?? 0) + n;
  }
}

/** The rows of each input whose customer is not in the customers file (only inputs that have any). */
export function unknownCustomers(data: LoadedData): Partial<Record<'sales' | 'payments' | 'contacts' | 'costs', UnknownCustomers>> {
  return {
    ...(data.unknownSales ? { sales: data.unknownSales } : {}),
    ...(data.unknownPayments ? { payments: data.unknownPayments } : {}),
    ...(data.unknownContacts ? { contacts: data.unknownContacts } : {}),
    ...(data.unknownCosts ? { costs: data.unknownCosts } : {}),
  };
}

/** Warnings for the rows of customers missing from the customers file, one per input that has them. */
export function unknownCustomerWarnings(data: LoadedData): string[] {
  const lines: string[] = [];
  const unknown = (what: string, u: UnknownCustomers | undefined): void => {
    if (u && u.rows > 0) {
      lines.push(`warning: ${u.rows} ${what} rows of ${u.customers} customer(s) not in the customers file (e.g. ${u.examples.map((e) => shownValue(e)).join(', ')})`);
    }
  };
  unknown('sales', data.unknownSales);
  unknown('payments', data.unknownPayments);
  unknown('contacts', data.unknownContacts);
  unknown('costs', data.unknownCosts);
  lines.push(...(data.warnings ?? []));
  return lines;
}

