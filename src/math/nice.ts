/** Round numbers for scales and bins: steps of 1, 2 or 5 times a power of ten. */

/**
 * A step between ticks of 1, 2 or 5 times a power of ten, near `span / count`.
 *
 * @example
 * tickStep(0, 97, 5); // => 20
 */
export function tickStep(min: number, max: number, count: number): number {
  const span = Math.abs(max - min);
  if (!Number.isFinite(span) || span === 0 || count <= 0) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1;
  return factor * power;
}
