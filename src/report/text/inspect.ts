/** The terminal view of `crm inspect FILE`: how the file reads, its first rows, and how it maps to an input. */
import { renderSettings } from '../../errors.js';
import type { Inspection, KindMatch } from '../../ingest/inspect.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe', whitespace: 'runs of blanks' };

/** Longest cell shown in the first rows (a long field is cut with …). */
const CELL = 24;

function cut(text: string): string {
  return text.length > CELL ? `${text.slice(0, CELL - 1)}…` : text;
}

function mapping(m: KindMatch, flag: string): string {
  let out = renderTable(
    ['field', 'required', 'column'],
    m.fields.map((f) => [f.field, f.required ? 'yes' : '', f.column !== null ? `${f.header} (${f.column + 1})` : f.suggestion !== null ? `missing; "${f.suggestion}"?` : 'missing']),
    { color: false },
  );
  if (m.missing.length === 0) out += `Every required field of ${m.kind} is there.\n`;
  else {
    const unresolved = m.fields.filter((f) => f.required && f.column === null && f.suggestion === null).map((f) => f.field);
    out += `Missing for ${m.kind}: ${m.missing.join(', ')}.`;
    if (m.map !== '') out += ` Add: ${flag} ${m.map}`;
    if (unresolved.length > 0) out += `${m.map !== '' ? ';' : ''} ${m.map !== '' ? 'no' : 'No'} column looks like ${unresolved.join(', ')}: name ${unresolved.length > 1 ? 'them' : 'it'} with ${flag} ${unresolved.map((f) => `${f}=COLUMN`).join(',')}`;
    out += '\n';
  }
  return out;
}

/** `asked`: whether the kind was given (--as) rather than guessed. */
export function renderInspection(r: Inspection, style: TextStyle, asked: boolean): string {
  const paint = painter(style.color);
  const delimiter = r.delimiter === '\t' ? 'tab' : r.delimiter === 'whitespace' ? 'whitespace' : `"${r.delimiter}"`;
  let out = `${paint.bold(r.file)}: delimiter ${delimiter} (${DELIMITER_NAMES[r.delimiter] ?? 'given'}${r.delimiterDetected ? ', detected from the header line' : ', given'}), encoding ${r.encoding}, ${r.headers.length} column${r.headers.length === 1 ? '' : 's'}\n`;
  if (r.problem) out += `${paint.red('Reading problem')} in the first rows: ${renderSettings(r.problem.text.message, 'cli')}${r.problem.text.hint ? ` (hint: ${renderSettings(r.problem.text.hint, 'cli')})` : ''}\n`;
  if (r.headers.length === 1 && r.rows.length > 0) out += 'One column only: if the file has more, the delimiter is wrong (--delimiter).\n';
  out += '\n' + renderTable(r.headers.map(cut), r.rows.map((row) => r.headers.map((_, i) => cut(row[i] ?? ''))), style, `First ${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${r.more ? ' (more follow)' : ''}`);
  const [best, ...others] = r.kinds;
  out += `\n${paint.bold(`As ${best.kind}`)}${asked ? '' : ' (the closest input kind; --as KIND for another)'}\n`;
  out += mapping(best, '--map');
  const alsoComplete = others.filter((k) => k.missing.length === 0).map((k) => k.kind);
  if (alsoComplete.length > 0) out += `It also has every required field of: ${alsoComplete.join(', ')}.\n`;
  return fitProse(out, style);
}
