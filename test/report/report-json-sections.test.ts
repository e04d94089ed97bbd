/** The report JSON carries the KPI scorecard (and campaigns with --contacts), schema-valid. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

describe('crm report JSON: kpi section', () => {
  it('is in the document and validates against the schema; profitability stays out (per-customer, in the CSV folder)', async () => {
    const r = await runCli(['report', '--sales', fixture('sales.csv'), '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kpi).toBeTruthy();
    expect(doc.profitability).toBeUndefined();
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(projectRoot, 'docs', 'report.schema.json'), 'utf8')));
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
  });
});
