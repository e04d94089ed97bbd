/** docs/library.md: its example runs as written, importing the package by its name. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers/data.js';

describe('the library', () => {
  it('runs the example of docs/library.md and prints what the page says it prints', () => {
    expect(existsSync(join(projectRoot, 'dist', 'index.js'))).toBe(true); // npm test builds first
    const page = readFileSync(join(projectRoot, 'docs', 'library.md'), 'utf8');
    const code = /```js\n([\s\S]*?)\n```/.exec(page)![1];
    expect(code).toContain("from 'crm'");
    // As a consumer would: the example in its own folder, with the package installed under node_modules/crm
    // (a link to this project), run from the project folder so that fixtures/sales.csv is found.
    const dir = mkdtempSync(join(tmpdir(), 'crm-library-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(projectRoot, join(dir, 'node_modules', 'crm'), 'dir');
      const file = join(dir, 'example.mjs');
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, [file], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('300 customers as of 2025-12-29; rows used 2370');
      expect(lines[1]).toMatch(/^largest segment: \S/);
      const m = /^BG\/NBD r = (\d+\.\d{3}), customer equity (\d+\.\d{2})$/.exec(lines[2]);
      expect(m).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(0);
      expect(lines[3]).toMatch(/^highest CLV: C\d+ \d+\.\d{2} of 300 customers$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports declarations and nothing from the CLI', () => {
    const types = readFileSync(join(projectRoot, 'dist', 'index.d.ts'), 'utf8');
    expect(types).toContain('readInputFiles');
    expect(types).not.toMatch(/from '\.\/cli\//);
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  });
});
