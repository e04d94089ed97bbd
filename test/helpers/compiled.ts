/**
 * src/ compiled to JavaScript in a temporary folder under node_modules/.cache (types stripped by TypeScript's transpiler, no type check),
 * for code that must run outside vitest's loader: the parallel ingest's worker thread. So the tests do not
 * depend on a fresh `npm run build`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { projectRoot } from './data.js';

let compiled: string | undefined;

/** The folder with src/ compiled (once per test file). */
export function compiledSrc(): string {
  if (compiled !== undefined) return compiled;
  const src = join(projectRoot, 'src');
  // Inside the project (node_modules/.cache) so that the compiled modules find the packages (removeCompiled).
  const cache = join(projectRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'crm-src-js-'));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const js = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: path }).outputText;
        const target = join(out, relative(src, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, js);
      }
    }
  };
  walk(src);
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  compiled = out;
  return out;
}

/** The URL of a compiled module of src/, e.g. compiledModule('ingest/parallel/worker.js'). */
export function compiledModule(path: string): URL {
  return pathToFileURL(join(compiledSrc(), path));
}

/** Removes the compiled folder (call in afterAll). */
export function removeCompiled(): void {
  if (compiled !== undefined) rmSync(compiled, { recursive: true, force: true });
  compiled = undefined;
}
