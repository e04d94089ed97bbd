/** Bit-for-bit comparison of results computed two ways (on one thread and on two, say). */
import { expect } from 'vitest';

/** Where two values differ (same prototypes, own keys in the same order, Object.is on primitives), or null. */
export function difference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  if (a instanceof Error && b instanceof Error) {
    if (a.message !== b.message) return `${path}.message: ${a.message} vs ${b.message}`;
  }
  const ka = Reflect.ownKeys(a).filter((k) => k !== 'stack');
  const kb = Reflect.ownKeys(b).filter((k) => k !== 'stack');
  if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${ka.map(String).join(',')} vs ${kb.map(String).join(',')}`;
  for (const k of ka) {
    const d = difference((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], `${path}.${String(k)}`);
    if (d !== null) return d;
  }
  return null;
}

/** Expects `a` and `b` to be identical (see {@link difference}) and to give the same JSON. */
export function expectIdentical(a: unknown, b: unknown): void {
  expect(difference(a, b)).toBeNull();
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
}
