/**
 * Small SVG chart primitives for the HTML report: escaping, linear / log / band scales with nice ticks,
 * axes, grid lines, a sequential colour ramp, legends and deterministic downsampling. Everything returns
 * markup strings for inline `<svg>` in an HTML document (no `xmlns` needed there, no external resources).
 * Every text that reaches the markup goes through {@link escapeHtml}.
 */
import { tickStep } from '../../math/nice.js';

export { tickStep };

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values (also inside
 * inline SVG): `& < > " '`. Non-strings are converted with `String` first; null and undefined give ''.
 *
 * O(length).
 *
 * @example
 * escapeHtml('<script>alert(1)</script>'); // => '&lt;script&gt;alert(1)&lt;/script&gt;'
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A coordinate rounded to 0.1 user units (keeps the markup short). */
export function coord(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A continuous scale from data values to SVG coordinates. */
export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  /** About `count` round tick values inside the domain. */
  ticks(count?: number): number[];
}

/**
 * Round tick values from min to max (both inclusive when they fall on a step).
 *
 * @example
 * niceTicks(0, 1, 5); // => [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const step = tickStep(min, max, count);
  const start = Math.ceil(min / step - 1e-9);
  const end = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = start; i <= end; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * The domain widened outwards to round tick values, so the axis ends on a tick.
 *
 * @example
 * niceDomain(0, 97); // => [0, 100]
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return min === 0 ? [0, 1] : min > 0 ? [0, min * 2] : [min * 2, 0];
  const step = tickStep(min, max, count);
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/**
 * A linear scale.
 *
 * @example
 * linearScale([0, 10], [0, 100])(2.5); // => 25
 */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((value: number) => r0 + (value - d0) * k) as Scale;
  scale.domain = domain;
  scale.range = range;
  scale.ticks = (count = 5) => niceTicks(Math.min(d0, d1), Math.max(d0, d1), count);
  return scale;
}

/**
 * A base-10 log scale on a positive domain; values at or below the domain's minimum map to its end
 * (callers say so in the caption). Ticks are the powers of ten inside the domain.
 *
 * @example
 * logScale([1, 100], [0, 100])(10); // => 50
 */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const inner = linearScale([Math.log10(d0), Math.log10(d1)], range);
  const scale = ((value: number) => inner(Math.log10(Math.max(value, Math.min(d0, d1))))) as Scale;
  scale.domain = domain;
  scale.range = range;
  scale.ticks = () => {
    const ticks: number[] = [];
    for (let e = Math.ceil(Math.log10(Math.min(d0, d1)) - 1e-9); e <= Math.floor(Math.log10(Math.max(d0, d1)) + 1e-9); e++) ticks.push(10 ** e);
    return ticks;
  };
  return scale;
}

/** A scale from category labels to bands of equal width. */
export interface BandScale {
  (label: string): number;
  domain: string[];
  bandwidth: number;
  /** Distance between the starts of two neighbouring bands. */
  step: number;
}

/**
 * Bands for `labels` across `range`, with `padding` (0..1) of each step left empty between bands.
 *
 * @example
 * bandScale(['a', 'b'], [0, 100], 0)('b'); // => 50
 */
export function bandScale(labels: readonly string[], range: [number, number], padding = 0.2): BandScale {
  const [r0, r1] = range;
  const step = labels.length === 0 ? 0 : (r1 - r0) / labels.length;
  const index = new Map(labels.map((label, i) => [label, i]));
  const scale = ((label: string) => r0 + (index.get(label) ?? 0) * step + (step * padding) / 2) as BandScale;
  scale.domain = [...labels];
  scale.bandwidth = step * (1 - padding);
  scale.step = step;
  return scale;
}

/** The plotting area of a chart inside its viewBox. */
export interface Frame {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
  /** Inner width and height: the plotting area. */
  innerWidth: number;
  innerHeight: number;
}

/** A frame of `width` × `height` user units with the given margins. */
export function frame(width: number, height: number, margin: { top: number; right: number; bottom: number; left: number }): Frame {
  return { width, height, ...margin, innerWidth: width - margin.left - margin.right, innerHeight: height - margin.top - margin.bottom };
}

/** Options of a text element. */
export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  className?: string;
  /** Rotation in degrees about (x, y). */
  rotate?: number;
  /** dominant-baseline, e.g. 'middle'. */
  baseline?: string;
  fill?: string;
  size?: number;
  weight?: string;
}

/** A `<text>` element; the content is escaped. */
export function text(x: number, y: number, content: unknown, options: TextOptions = {}): string {
  const attrs = [`x="${coord(x)}"`, `y="${coord(y)}"`];
  if (options.anchor && options.anchor !== 'start') attrs.push(`text-anchor="${options.anchor}"`);
  if (options.baseline) attrs.push(`dominant-baseline="${escapeHtml(options.baseline)}"`);
  if (options.className) attrs.push(`class="${escapeHtml(options.className)}"`);
  if (options.fill) attrs.push(`fill="${escapeHtml(options.fill)}"`);
  if (options.size) attrs.push(`font-size="${options.size}"`);
  if (options.weight) attrs.push(`font-weight="${escapeHtml(options.weight)}"`);
  if (options.rotate) attrs.push(`transform="rotate(${options.rotate} ${coord(x)} ${coord(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(content)}</text>`;
}

/** A `<title>` child (the tooltip and accessible name of its parent); escaped. */
export function tooltip(content: unknown): string {
  return `<title>${escapeHtml(content)}</title>`;
}

/** Options of {@link rect}. */
export interface ShapeOptions {
  fill?: string;
  stroke?: string;
  className?: string;
  opacity?: number;
  /** Tooltip text. */
  title?: string;
}

function shapeAttrs(options: ShapeOptions): string {
  const attrs: string[] = [];
  if (options.fill) attrs.push(`fill="${escapeHtml(options.fill)}"`);
  if (options.stroke) attrs.push(`stroke="${escapeHtml(options.stroke)}"`);
  if (options.className) attrs.push(`class="${escapeHtml(options.className)}"`);
  if (options.opacity !== undefined) attrs.push(`opacity="${options.opacity}"`);
  return attrs.length ? ` ${attrs.join(' ')}` : '';
}

function closeShape(tag: string, attrs: string, title: string | undefined): string {
  return title === undefined ? `<${tag} ${attrs}/>` : `<${tag} ${attrs}>${tooltip(title)}</${tag}>`;
}

/** A `<rect>`; negative sizes are flipped so the rectangle is always drawn. */
export function rect(x: number, y: number, width: number, height: number, options: ShapeOptions = {}): string {
  const x0 = width < 0 ? x + width : x;
  const y0 = height < 0 ? y + height : y;
  const attrs = `x="${coord(x0)}" y="${coord(y0)}" width="${coord(Math.abs(width))}" height="${coord(Math.abs(height))}"${shapeAttrs(options)}`;
  return closeShape('rect', attrs, options.title);
}

/** A `<circle>`. */
export function circle(cx: number, cy: number, r: number, options: ShapeOptions = {}): string {
  return closeShape('circle', `cx="${coord(cx)}" cy="${coord(cy)}" r="${coord(r)}"${shapeAttrs(options)}`, options.title);
}

/** A `<line>`. */
export function line(x1: number, y1: number, x2: number, y2: number, options: ShapeOptions & { dash?: string; width?: number } = {}): string {
  const extra = `${options.dash ? ` stroke-dasharray="${escapeHtml(options.dash)}"` : ''}${options.width ? ` stroke-width="${options.width}"` : ''}`;
  return closeShape('line', `x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}"${shapeAttrs(options)}${extra}`, options.title);
}

/** Path data through the points: `M x y L x y …` (a polygon when `close`). */
export function pathData(points: readonly (readonly [number, number])[], close = false): string {
  if (points.length === 0) return '';
  return `${points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${coord(x)} ${coord(y)}`).join('')}${close ? 'Z' : ''}`;
}

/** A `<path>`. */
export function path(d: string, options: ShapeOptions & { dash?: string; width?: number } = {}): string {
  const extra = `${options.dash ? ` stroke-dasharray="${escapeHtml(options.dash)}"` : ''}${options.width ? ` stroke-width="${options.width}"` : ''}`;
  return closeShape('path', `d="${d}"${options.fill ? '' : ' fill="none"'}${shapeAttrs(options)}${extra}`, options.title);
}

/**
 * The points of a step function that holds each value until the next x: (x0, y0) → (x1, y0) → (x1, y1) → …
 * → (end, y_last).
 *
 * @example
 * stepPoints([[0, 1], [2, 0.5]], 3); // => [[0, 1], [2, 1], [2, 0.5], [3, 0.5]]
 */
export function stepPoints(points: readonly (readonly [number, number])[], end: number): [number, number][] {
  const out: [number, number][] = [];
  points.forEach(([x, y], i) => {
    if (i > 0) out.push([x, points[i - 1][1]]);
    out.push([x, y]);
  });
  if (points.length > 0 && end > points[points.length - 1][0]) out.push([end, points[points.length - 1][1]]);
  return out;
}

/** Options of the axes. */
export interface AxisOptions {
  ticks?: number[];
  format?: (value: number) => string;
  label?: string;
  /** Light grid lines across the plotting area at the ticks. */
  grid?: boolean;
}

/** A horizontal axis along the bottom of the frame, with ticks, labels and an axis title. */
export function axisBottom(scale: Scale, f: Frame, options: AxisOptions = {}): string {
  const ticks = options.ticks ?? scale.ticks(6);
  const format = options.format ?? shortNumber;
  const y = f.top + f.innerHeight;
  let out = `<g class="axis">`;
  for (const t of ticks) {
    const x = scale(t);
    if (options.grid) out += line(x, f.top, x, y, { className: 'grid' });
    out += line(x, y, x, y + 5) + text(x, y + 17, format(t), { anchor: 'middle' });
  }
  out += line(f.left, y, f.left + f.innerWidth, y, { className: 'domain' });
  if (options.label) out += text(f.left + f.innerWidth / 2, f.height - 6, options.label, { anchor: 'middle', className: 'axis-label' });
  return `${out}</g>`;
}

/** A vertical axis along the left of the frame, with ticks, labels and an axis title. */
export function axisLeft(scale: Scale, f: Frame, options: AxisOptions = {}): string {
  const ticks = options.ticks ?? scale.ticks(5);
  const format = options.format ?? shortNumber;
  const x = f.left;
  let out = `<g class="axis">`;
  for (const t of ticks) {
    const y = scale(t);
    if (options.grid) out += line(x, y, x + f.innerWidth, y, { className: 'grid' });
    out += line(x - 5, y, x, y) + text(x - 8, y, format(t), { anchor: 'end', baseline: 'middle' });
  }
  out += line(x, f.top, x, f.top + f.innerHeight, { className: 'domain' });
  if (options.label) out += text(14, f.top + f.innerHeight / 2, options.label, { anchor: 'middle', rotate: -90, className: 'axis-label' });
  return `${out}</g>`;
}

/**
 * Compact tick labels: 1,250 → '1.25k', 3,400,000 → '3.4M'; small numbers as they are.
 *
 * @example
 * shortNumber(12500); // => '12.5k'
 */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (abs >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  return String(Number(value.toPrecision(4)));
}

/** A share 0..1 as a whole percentage tick label. */
export function percentTick(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The width of the full-width charts in user units: one unit is one CSS pixel at the report's content width. */
export const CHART_WIDTH = 1000;

/** Colour-blind-safe categorical colours (Okabe & Ito 2008). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

/** A categorical colour by index, cycling through {@link PALETTE}. */
export function categoryColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

const RAMP: [number, number, number][] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/**
 * A sequential blue colour for t in 0..1 (clamped): light for low values, dark for high ones.
 *
 * @example
 * sequentialColor(0); // => '#f7fbff'
 */
export function sequentialColor(t: number): string {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const position = x * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(position));
  const w = position - i;
  const channel = (k: number) => Math.round(RAMP[i][k] + (RAMP[i + 1][k] - RAMP[i][k]) * w);
  return `#${[0, 1, 2].map((k) => channel(k).toString(16).padStart(2, '0')).join('')}`;
}

/** Text colour readable on {@link sequentialColor}(t). */
export function textOn(t: number): string {
  return t > 0.55 ? '#ffffff' : '#1a1a1a';
}

/** A horizontal legend of coloured squares and labels, starting at (x, y). */
export function legend(items: readonly { label: string; color: string; opacity?: number }[], x: number, y: number): string {
  let out = '<g class="legend">';
  let at = x;
  for (const item of items) {
    out += rect(at, y - 9, 12, 12, { fill: item.color, opacity: item.opacity });
    out += text(at + 17, y + 1, item.label);
    at += 30 + item.label.length * 6.5;
  }
  return `${out}</g>`;
}

/** A horizontal colour ramp from 0 to 1 with labels at both ends, at (x, y). */
export function rampLegend(x: number, y: number, width: number, lowLabel: string, highLabel: string, title?: string): string {
  const steps = 20;
  let out = '<g class="legend">';
  if (title) out += text(x, y - 6, title);
  for (let i = 0; i < steps; i++) out += rect(x + (i * width) / steps, y, width / steps + 0.5, 10, { fill: sequentialColor(i / (steps - 1)) });
  out += text(x, y + 23, lowLabel) + text(x + width, y + 23, highLabel, { anchor: 'end' });
  return `${out}</g>`;
}

/**
 * The outer `<svg>`: a viewBox of the frame's size that shrinks with its container (never wider than the
 * frame, so text keeps its size), with an accessible title.
 *
 * @param name a data-chart name, e.g. 'lorenz' (lowercase, for tests and styling)
 */
export function svgDocument(f: { width: number; height: number }, name: string, title: string, body: string, defs = ''): string {
  return (
    `<svg class="chart-svg" data-chart="${escapeHtml(name)}" viewBox="0 0 ${coord(f.width)} ${coord(f.height)}" style="max-width: ${coord(f.width)}px" role="img" ` +
    `aria-label="${escapeHtml(title)}" preserveAspectRatio="xMidYMid meet">${tooltip(title)}${defs ? `<defs>${defs}</defs>` : ''}${body}</svg>`
  );
}

/**
 * At most `max` items, chosen deterministically: the first `keepFirst` items as given, then an even stride
 * through the rest (every k-th item). Returns the input itself when it is short enough.
 *
 * O(n).
 *
 * @example
 * evenSample([1, 2, 3, 4, 5, 6], 3); // => [1, 3, 5]
 */
export function evenSample<T>(items: readonly T[], max: number, keepFirst = 0): readonly T[] {
  if (items.length <= max) return items;
  const head = Math.min(keepFirst, max);
  const rest = items.length - head;
  const slots = max - head;
  const out = items.slice(0, head);
  for (let j = 0; j < slots; j++) out.push(items[head + Math.floor((j * rest) / slots)]);
  return out;
}
