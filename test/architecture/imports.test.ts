/**
 * The direction of imports in src/: no cycles between modules (type imports included), nothing outside
 * src/cli/ imports from it (the CLI is on top: library code never depends on commands, options or output), and
 * each folder imports only from its own layer or the layers below it (LAYERS; docs/architecture.md).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../helpers/data.js';

const src = join(projectRoot, 'src');

/** Every .ts file of src/ with the relative modules it imports or re-exports (resolved to .ts paths). */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  walk(src);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g)) deps.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
    for (const m of text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) deps.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan), as relative paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(src, w));
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/**
 * The layers of src/, lowest first. A folder imports from its own layer and the layers below. The domain
 * analyses share a layer: they may use one another (value uses churn's normal quantile, KPIs use payments),
 * and the cycle check keeps that acyclic.
 */
const LAYERS: string[][] = [
  ['core', 'errors.ts'],
  ['math'],
  ['accumulate'],
  ['ingest'],
  ['models'],
  ['segment', 'churn', 'payments', 'performance', 'marketing', 'value', 'score', 'sql', 'generate'],
  ['analysis'],
  ['report'],
  ['cli', 'index.ts'],
];

/** Imports that cross the layers downward-only rule on purpose, with the reason. */
const ALLOWED_UPWARD: Record<string, string> = {
  'ingest/load.ts -> payments/ledger.ts': 'payment rows are folded into the ledger while they are read (one pass, no row list)',
  'ingest/parallel/payments-range.ts -> payments/ledger.ts': "the parallel reader's worker logs ledger rows as the ledger stores them (NO_DATE)",
};

function layerOf(path: string): number {
  const top = path.includes('/') ? path.split('/')[0] : path;
  return LAYERS.findIndex((layer) => layer.includes(top));
}

/** Imports from a lower layer to a higher one, as `from -> to` (relative to src/). */
function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = relative(src, file);
    for (const dep of deps) {
      const to = relative(src, dep);
      if (layerOf(to) > layerOf(from) && ALLOWED_UPWARD[`${from} -> ${to}`] === undefined) out.push(`${from} -> ${to}`);
    }
  }
  return out;
}

describe('imports in src/', () => {
  const graph = importGraph();

  it('finds the modules (the scan itself works)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(src, 'cli', 'main.ts'))!.length).toBeGreaterThan(5);
  });

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('detects a cycle when there is one (the check can fail)', () => {
    const withCycle = new Map(graph);
    const a = join(src, 'core', 'days.ts');
    const b = join(src, 'core', 'types.ts');
    withCycle.set(a, [...(graph.get(a) ?? []), b]);
    withCycle.set(b, [...(graph.get(b) ?? []), a]);
    expect(cycles(withCycle)).toContainEqual(['core/days.ts', 'core/types.ts']);
  });

  it('keeps the CLI on top: nothing outside src/cli imports from src/cli', () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      const from = relative(src, file);
      if (from.startsWith('cli/')) continue;
      for (const dep of deps) if (relative(src, dep).startsWith('cli/')) upward.push(`${from} -> ${relative(src, dep)}`);
    }
    expect(upward).toEqual([]);
  });

  it('places every top-level folder of src/ in a layer', () => {
    const unplaced = [...new Set([...graph.keys()].map((f) => relative(src, f)).filter((f) => layerOf(f) < 0).map((f) => f.split('/')[0]))];
    expect(unplaced).toEqual([]);
  });

  it('imports only downward through the layers (or within one)', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('detects an upward import (the check can fail)', () => {
    const withUpward = new Map(graph);
    const a = join(src, 'core', 'days.ts');
    withUpward.set(a, [...(graph.get(a) ?? []), join(src, 'report', 'format.ts')]);
    expect(upwardImports(withUpward)).toEqual(['core/days.ts -> report/format.ts']);
  });
});
