/**
 * Library code speaks to library users: no message, hint or note outside the command line (src/cli/) and its
 * terminal renderers (src/report/text/) names a command-line flag. A message that points at a setting writes
 * `setting('dateFormat')` (src/errors.ts): a library user reads `dateFormat`, the command line `--date-format`.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../helpers/data.js';
import { CrmError, renderSettings, setting, UsageError } from '../../src/errors.js';
import { parsePeriod } from '../../src/accumulate/summary.js';
import { errorText } from '../../src/cli/main.js';

const src = join(projectRoot, 'src');

/**
 * Texts that name flags on purpose, by file, with the reason. Notes and section reasons are shown by the
 * command line's reports (not thrown), and say what to type there.
 */
const ALLOWED: Record<string, string> = {
  'analysis/churn.ts': "the churn sections' reasons, shown in crm churn's and crm report's outputs, name the inputs to give",
  'analysis/campaigns.ts': 'the margin note of the campaign section says which flag sets the margin',
  'value/value.ts': 'a valuation warning (not an error) names the flag that avoids the infinite spend',
  'value/fit-valuation.ts': 'the BG/NBD note names the flag of the model without its artefact',
  'score/score.ts': 'the hint names the commands to run instead (crm fit, crm value)',
  'report/html/page.ts': 'CSS custom properties (var(--ink)), not flags',
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The string and template literal texts of a source file that contain `--` and a letter. */
function flagTexts(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const check = (text: string): void => {
    if (/(^|[\s(,'"`])--[a-z]/.test(text)) out.push(text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) check(node.text);
    else if (ts.isTemplateExpression(node)) {
      check(node.head.text);
      for (const span of node.templateSpans) check(span.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('messages outside the command line', () => {
  const library = files(src).filter((f) => !relative(src, f).startsWith('cli/') && !relative(src, f).startsWith('report/text/'));

  it('name no flag, except where allowed with a reason', () => {
    expect(library.length).toBeGreaterThan(100);
    const found = library.flatMap((f) => flagTexts(f).map((text) => `${relative(src, f)}: ${text}`)).filter((line) => ALLOWED[line.split(':')[0]] === undefined);
    expect(found).toEqual([]);
  });

  it('the allow-list is not stale: each allowed file still has such a text', () => {
    for (const file of Object.keys(ALLOWED)) expect(flagTexts(join(src, file)).length, file).toBeGreaterThan(0);
  });

  it('the scan finds a flag in a string and in a template (it can fail)', () => {
    expect(flagTexts(join(src, 'cli', 'commands', 'churn.ts')).length).toBeGreaterThan(5);
  });
});

describe('setting references', () => {
  it('read as option names in the library and as flags on the command line', () => {
    let error: unknown;
    try {
      parsePeriod('fortnight');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('invalid period "fortnight"');
    expect(errorText(error as CrmError)).toBe('invalid --period "fortnight" (hint: day, week, month, year or a number of days)');
    const text = `use ${setting('dateFormat', 'DD.MM.YY')}, or ${setting('noHeader')} with ${setting('columns')}`;
    expect(renderSettings(text, 'library')).toBe('use dateFormat=DD.MM.YY, or noHeader with columns');
    expect(renderSettings(text, 'cli')).toBe('use --date-format DD.MM.YY, or --no-header with --columns');
    const e = new UsageError(text, { hint: setting('asOf', 'DATE') });
    expect(e.message).not.toMatch(/--|\uE000/);
    expect(e.hint).toBe('asOf=DATE');
    expect(errorText(e)).toBe('use --date-format DD.MM.YY, or --no-header with --columns (hint: --as-of DATE)');
  });
});
