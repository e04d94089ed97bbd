/** The config file is checked against the declared options: wrong types and unknown keys are usage errors. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

function withConfig(config: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'crm-cfgv-'));
  writeFileSync(join(cwd, 'crm.config.json'), config);
  return cwd;
}

const summary = ['summary', '--sales', fixture('sales.csv'), '--format', 'json'];

describe('config file validation', () => {
  it('"skipInvalid": "false" (a string) is a usage error, not skipping turned on', async () => {
    const r = await runCli(summary, { cwd: withConfig('{ "skipInvalid": "false" }') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: error: config file crm\.config\.json: "skipInvalid" must be true or false, found "false"/);
    expect(r.stdout).toBe('');
  });

  it('unknown keys are usage errors naming the key, at the top, in a command section and under inputs', async () => {
    for (const [config, key] of [
      ['{ "skipInvalids": true }', '"skipInvalids"'],
      ['{ "commands": { "report": { "topp": 5 } } }', '"commands.report.topp"'],
      ['{ "commands": { "reprot": {} } }', '"commands.reprot"'],
      ['{ "inputs": { "sales": { "dateFmt": "DD/MM/YYYY" } } }', '"inputs.sales.dateFmt"'],
      ['{ "inputs": { "orders": {} } }', '"inputs.orders"'],
      ['{ "segment": { "segmentTables": {} } }', '"segment.segmentTables"'],
    ]) {
      const r = await runCli(summary, { cwd: withConfig(config) });
      expect(r.code, config).toBe(2);
      expect(r.stderr, config).toContain(`config file crm.config.json: ${key} `);
      expect(r.stderr.trim().split('\n'), config).toHaveLength(1);
    }
  });

  it('__proto__ and constructor keys are refused, and do not reach the options object', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const r = await runCli(summary, { cwd: withConfig(`{ "${key}": { "skipInvalid": true } }`) });
      expect(r.code, key).toBe(2);
      expect(r.stderr, key).toContain(`"${key}"`);
    }
    const nested = await runCli(summary, { cwd: withConfig('{ "commands": { "summary": { "__proto__": { "period": "week" } } } }') });
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('"commands.summary.__proto__"');
  });

  it('values are checked against choices and kinds; --config names its own file', async () => {
    const cwd = withConfig('{}');
    const file = join(cwd, 'other.json');
    writeFileSync(file, '{ "commands": { "report": { "model": "bgnbdd" } } }');
    const r = await runCli([...summary, '--config', file], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config file ${file}: "commands.report.model" must be one of`);
    for (const config of ['{ "map": "date=Day" }', '{ "map": { "date": 3 } }', '{ "top": true }', '{ "period": ["week"] }', '{ "commands": [] }', '{ "inputs": { "sales": 1 } }']) {
      const bad = await runCli(summary, { cwd: withConfig(config) });
      expect(bad.code, config).toBe(2);
    }
  });

  it('the complete example of docs/config.md passes, and number values for value options stay accepted', async () => {
    const text = readFileSync(join(projectRoot, 'docs', 'config.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(text)![1]);
    example.customers = fixture('customers.csv');
    example.sales = fixture('sales.csv');
    example.payments = fixture('payments.csv');
    delete example.map;
    delete example.dateFormat;
    delete example.decimal;
    delete example.inputs;
    delete example.rejects; // a relative path: it would be written in the test runner's folder
    const r = await runCli(['summary', '--format', 'json'], { cwd: withConfig(JSON.stringify(example)) });
    expect(r.stderr).not.toContain('config file');
    expect(r.code).toBe(0);
  });
});
