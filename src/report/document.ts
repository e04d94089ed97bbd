/**
 * The report document as written: JSON ({@link jsonDocument}) and the --strict check. The document's type is the
 * analysis result of src/analysis/document.ts, re-exported here for the renderers.
 */
import { SECTION_NAMES, SECTION_TITLES, type ReportDocument } from '../analysis/document.js';

export { SCHEMA_VERSION, SECTION_NAMES, SECTION_TITLES, type ReportDocument, type SectionName, type AtRiskRow } from '../analysis/document.js';

/**
 * The document as written in JSON: every section that could not be computed replaced by `{ error: reason }`,
 * so that a reader never takes an empty section for an empty result.
 */
export function jsonDocument(doc: ReportDocument, { perCustomer = false }: { perCustomer?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  for (const name of SECTION_NAMES) {
    const reason = doc.errors[name];
    if (doc[name] === null && reason !== undefined) out[name] = { error: reason };
  }
  // Profitability is a per-customer table (in the CSV folder's profitability.csv and the HTML): kept out of the
  // JSON document.
  delete out.profitability;
  if (!perCustomer) {
    // Aggregates, distributions and the top and at-risk lists; the rows per customer (a million customers
    // made a 1.3 GB document) are the scores table: customers.csv of the CSV folder, or --scores FILE.
    delete out.summary;
    if (doc.segment) out.segment = { ...doc.segment, customers: undefined };
    if (doc.value) out.value = { ...doc.value, customers: undefined };
    if (doc.payments) out.payments = { ...doc.payments, customers: undefined };
    if (doc.churn) out.churn = { ...doc.churn, lifecycle: { ...doc.churn.lifecycle, customers: undefined } };
  }
  out.perCustomer = { included: perCustomer, customers: doc.summary?.length ?? 0 };
  return out;
}

/**
 * What makes a run fail under `--strict`: every section that could not be computed and every warning
 * (a note that starts with "warning:"). Empty when the run is complete and clean.
 */
export function strictProblems(doc: Pick<ReportDocument, 'notes' | 'errors'>): string[] {
  const problems = SECTION_NAMES.filter((name) => doc.errors[name] !== undefined).map((name) => `${SECTION_TITLES[name]} not computed: ${doc.errors[name]}`);
  for (const note of doc.notes) if (note.startsWith('warning:')) problems.push(note.slice('warning:'.length).trim());
  return problems;
}
