/**
 * Two or three runnable examples per command, on the fixtures, shown at the end of its --help
 * (test/cli/help-agrees.test.ts runs every one of them from the project folder).
 */
import type { Command } from 'commander';

const C = 'fixtures/customers.csv';
const S = 'fixtures/sales.csv';
const P = 'fixtures/payments.csv';

/** By command path (`sql summary` for a subcommand). Output files are written where the example says. */
export const EXAMPLES: Record<string, string[]> = {
  report: [`crm report --customers ${C} --sales ${S} --payments ${P}`, `crm report --sales ${S} --payments ${P} -o report.html`, `crm report --sales ${S} --output-dir report-csv --dated`],
  summary: [`crm summary --customers ${C} --sales ${S} --limit 5`, `crm summary --sales ${S} --period week --calibration-end 2025-06-30 --format csv -o summary.csv`],
  segment: [`crm segment --customers ${C} --sales ${S}`, `crm segment --customers ${C} --sales ${S} --by region --no-clusters`, `crm segment --sales ${S} --format csv -o segments.csv`],
  fit: [`crm fit --sales ${S}`, `crm fit --sales ${S} --model mbgnbd --period week --save model.json`, `crm fit --sales ${S} --model gammagamma`],
  value: [`crm value --sales ${S} --top 5`, `crm value --sales ${S} --within 30,90 --format csv -o clv.csv`, `crm value --sales ${S} --payments ${P} --collected --margin 0.3`],
  validate: [`crm validate --sales ${S} --calibration-end 2025-06-30`, `crm validate --sales ${S} --calibration-end 2025-06-30 --period week --model bgnbd,mbgnbd,paretonbd`],
  churn: [`crm churn --sales ${S}`, `crm churn --customers ${C} --sales ${S} --by channel --cohort quarter`, 'crm churn --counts 1000,631,468,382'],
  payments: [`crm payments --customers ${C} --sales ${S} --payments ${P}`, `crm payments --customers ${C} --payments ${P} --by region`],
  profile: [`crm profile C000001 --customers ${C} --sales ${S} --payments ${P}`, `crm profile C000199 --sales ${S} --format json`],
  kpi: [`crm kpi --sales ${S} --payments ${P}`, `crm kpi --sales ${S} --period quarter --format csv`],
  campaign: [`crm campaign --customers ${C} --sales ${S} --contacts fixtures/contacts.csv`, `crm campaign --customers ${C} --sales ${S} --contacts fixtures/contacts.csv --by region --window 60`],
  score: [`crm fit --sales ${S} --period week --model bgnbd --save model.json`, `crm summary --sales ${S} --period week --format csv -o summary.csv`, 'crm score --summary summary.csv --model-file model.json --period week'],
  'sql summary': ['crm sql summary --dialect postgres --table shop.sales --order-id', `crm sql summary --sales ${S} --period week --calibration-end 2025-06-30`],
  'sql score': [`crm fit --sales ${S} --period week --model mbgnbd --save model.json`, 'crm sql score --dialect duckdb --model-file model.json --table summary'],
  generate: ['crm generate --customers 500 --seed 7 --out company'],
  inspect: [`crm inspect ${S}`, `crm inspect ${S} --as sales --rows 3 --format json`],
};

/** The command's path below `crm`: `value`, `sql summary`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the examples at the end of every command's help that has some. */
export function addExamples(program: Command): void {
  const walk = (cmd: Command): void => {
    const examples = EXAMPLES[commandPath(cmd)];
    if (examples) cmd.addHelpText('after', `\nExamples (from the project folder, on its fixtures):\n${examples.map((e) => `  ${e}`).join('\n')}`);
    cmd.commands.forEach(walk);
  };
  program.commands.forEach(walk);
}
