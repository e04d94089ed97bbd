/** Writing charts as stand-alone SVG files into a folder (`--plots DIR` of crm validate and crm value). */
import { join } from 'node:path';
import { standaloneSvg } from '../report/html/diagnostics.js';
import { folderOutput } from '../report/output.js';
import { refuseInputOverwrite } from './output.js';

/** Writes each chart as `name` inside `dir`, the folder as a whole (none of the files replaces an input). */
export async function writeSvgFolder(dir: string, charts: ReadonlyMap<string, string>, flag: string): Promise<void> {
  for (const name of charts.keys()) refuseInputOverwrite(join(dir, name), flag);
  const folder = folderOutput(dir);
  try {
    for (const [name, svg] of charts) await folder.file(name).write(standaloneSvg(svg));
  } catch (err) {
    await folder.abort();
    throw err;
  }
  await folder.close();
}
