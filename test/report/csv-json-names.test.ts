/**
 * docs/report.md's table of CSV columns and JSON keys is true: every column of every file of the report's CSV
 * folder is either the camelCase JSON key of the records the table names, or listed there with the key (or
 * the derivation) it comes from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportDocument } from '../../src/report/document.js';
import { reportTables } from '../../src/report/csv/report.js';
import { projectRoot } from '../helpers/data.js';
import { sampleDocument } from './sample-document.js';

interface Mapping {
  file: string;
  records: string[];
  named: Map<string, string>;
}

/** The table after the `csv-json-mapping` marker. */
function mappingTable(): Mapping[] {
  const doc = readFileSync(join(projectRoot, 'docs', 'report.md'), 'utf8');
  const start = doc.indexOf('<!-- csv-json-mapping -->');
  expect(start).toBeGreaterThan(0);
  const lines = doc.slice(start).split('\n').slice(1);
  const rows = lines.slice(2, lines.findIndex((l, i) => i > 0 && !l.startsWith('|')));
  return rows.map((line) => {
    const [file, records, named] = line.split('|').slice(1, 4).map((c) => c.trim());
    const pairs = named === '' ? [] : named.split('; ').map((p) => p.split(' → ') as [string, string]);
    return { file, records: records.split(', '), named: new Map(pairs) };
  });
}

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The value at a dotted path with `[]` (every element) and `[k]` steps; undefined when absent. */
function at(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of path.split('.')) {
    const name = step.replace(/\[(\d+|k|)\]$/, '');
    const index = /\[(\d+|k|)\]$/.exec(step)?.[1];
    current = current.flatMap((v) => (v !== null && typeof v === 'object' && name in (v as object) ? [(v as Record<string, unknown>)[name]] : []));
    if (index !== undefined) current = current.flatMap((v) => (Array.isArray(v) ? (index === '' || index === 'k' ? v : [v[Number(index)]]) : []));
  }
  return current;
}

describe('CSV columns and JSON keys (docs/report.md)', () => {
  let doc: ReportDocument;
  let tables: Record<string, unknown[][]>;
  let mapping: Mapping[];
  beforeAll(async () => {
    const document = await sampleDocument();
    tables = reportTables(document) as Record<string, unknown[][]>;
    // the document as its JSON has it: per-customer records (stored by column) as arrays
    doc = JSON.parse(JSON.stringify(document)) as ReportDocument;
    mapping = mappingTable();
  });

  it('lists every CSV file of the folder but profitability.csv, which has no JSON counterpart', () => {
    expect(mapping.map((m) => m.file).sort()).toEqual(Object.keys(tables).filter((t) => t !== 'profitability').map((t) => `${t}.csv`).sort());
  });

  it('names every column: the camelCase key of the records, or the key or derivation listed', () => {
    for (const m of mapping) {
      const header = tables[m.file.replace(/\.csv$/, '')][0] as string[];
      for (const listed of m.named.keys()) {
        const matches = header.some((c) => c === listed || (listed.includes('_k') && new RegExp(`^${listed.replace('_k', '_\\d+')}$`).test(c)));
        expect(matches, `${m.file}: ${listed} is listed but not a column`).toBe(true);
      }
      const records = m.records.flatMap((path) => at(doc, path)).filter((r) => r !== null && typeof r === 'object');
      expect(records.length, `${m.file}: records at ${m.records.join(', ')}`).toBeGreaterThan(0);
      for (const column of header) {
        const generic = column.replace(/_\d+$/, '_k');
        const target = m.named.get(column) ?? m.named.get(generic) ?? camel(column);
        if (target.startsWith('(')) continue; // a derived figure, said in words
        if (column === 'as_of' && !m.named.has('as_of')) {
          expect(doc.meta.asOf).toBeTruthy();
          continue;
        }
        const absolute = /^(meta|overview|summary|segment|value|churn|payments|atRisk|kpi)\./.test(target);
        const found = absolute ? at(doc, target).length > 0 : records.some((r) => at(r, target.replace('[k]', '[0]')).length > 0);
        expect(found, `${m.file}: ${column} -> ${target} not found in ${absolute ? 'the document' : m.records.join(', ')}`).toBe(true);
      }
    }
  });

  it('the CSV holds the JSON values under those names', () => {
    const customers = tables.customers as unknown[][];
    const header = customers[0] as string[];
    const value = doc.value!.customers.at(0)!;
    const row = customers.find((r) => r[header.indexOf('customer_id')] === value.customerId)!;
    expect(row[header.indexOf('p_alive')]).toBe(value.pAlive);
    expect(row[header.indexOf('clv')]).toBe(value.clv);
    const kpis = tables.kpis as unknown[][];
    expect(kpis[1][(kpis[0] as string[]).indexOf('dso_days')]).toBe(doc.payments!.dso.standard);
  });
});
