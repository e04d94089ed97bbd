/** Paths of the shared reference data and the project's fixtures, and a tiny CSV reader for tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const sharedData = (file: string): string => join(projectRoot, '..', 'shared', 'data', file);
export const fixture = (file: string): string => join(projectRoot, 'fixtures', file);

/** Parses simple CSV (no quoted fields) into objects keyed by the header. */
export function readSimpleCsv(text: string): Record<string, string>[] {
  const lines = text.replace(/\r/g, '').split('\n').filter((l) => l !== '');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
}

export const readSharedCsv = (file: string): Record<string, string>[] => readSimpleCsv(readFileSync(sharedData(file), 'utf8'));
