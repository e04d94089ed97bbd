/**
 * Opens the HTML report in Debian's Chromium (headless, through playwright-core) and checks that every chart
 * renders, that nothing is requested from anywhere but the file itself, and that the console stays clean.
 * Takes a full-page screenshot into the test's temporary folder; CRM_UPDATE_SCREENSHOT=1 writes it to
 * docs/report-screenshot.png instead (the tracked picture of docs/report.md), so a test run leaves the tree clean.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`): without it the test fails under CI and is skipped
 * elsewhere.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/index.js';
import { projectRoot } from '../helpers/data.js';
import { sampleDocument } from './sample-document.js';

/** Debian's chromium; CHROMIUM_PATH may point elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = Boolean(process.env.CI);
const CHARTS = [
  'segments', 'segment-rfm', 'rf-grid', 'lorenz', 'clv-histogram', 'alive-value', 'alive-matrix', 'clv-segments', 'cohorts', 'survival', 'churn-rates', 'lifecycle',
  'payment-classes', 'ageing', 'kpi-customers', 'kpi-revenue', 'worth-keeping',
];

describe.skipIf(!available && !required)('HTML report in Chromium', () => {
  let browser: Browser | undefined;
  let directory: string;

  beforeAll(async () => {
    if (!available) return; // the test fails and says why
    directory = mkdtempSync(join(tmpdir(), 'crm-report-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('renders every chart with no console error and no request but the file', async () => {
    if (!available) {
      throw new Error(`${CHROMIUM} not found: the browser test needs Debian's chromium (apt-get install -y chromium); it is required when CI is set`);
    }
    const file = join(directory, 'report.html');
    writeFileSync(file, renderHtml(await sampleDocument(), { title: 'Customer report: the fixture company' }));
    const url = pathToFileURL(file).href;

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));

    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.ok() ?? true).toBe(true);

    const charts = await page.$$eval('svg.chart-svg', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { name: svg.getAttribute('data-chart'), width: box.width, height: box.height, shapes: svg.querySelectorAll('rect, path, circle, line').length };
      }),
    );
    expect(charts.map((c) => c.name).sort()).toEqual([...CHARTS].sort());
    for (const chart of charts) {
      expect(chart.width, `${chart.name} width`).toBeGreaterThan(100);
      expect(chart.height, `${chart.name} height`).toBeGreaterThan(100);
      // the worth-keeping quadrant chart is four cells with their counts
      expect(chart.shapes, `${chart.name} shapes`).toBeGreaterThan(chart.name === 'worth-keeping' ? 3 : 5);
    }
    // every figure shows its caption; the hostile customer name is text, not markup
    expect(await page.locator('figure.chart figcaption').count()).toBe(CHARTS.length);
    expect(await page.locator('#at-risk td', { hasText: '<script>alert(1)</script>' }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);

    const shot = process.env.CRM_UPDATE_SCREENSHOT ? join(projectRoot, 'docs', 'report-screenshot.png') : join(directory, 'report-screenshot.png');
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests).toEqual([url]);
    await context.close();
  });

  it('clips no text at 1400 px: every label of every chart inside its chart, nothing wider than the window', async () => {
    if (!available) throw new Error(`${CHROMIUM} not found`);
    // a company 1,000 times the fixtures' size: cohort sizes and counts with four and more digits
    const doc = await sampleDocument();
    const churn = doc.churn!;
    const big = {
      ...doc,
      churn: { ...churn, cohorts: { ...churn.cohorts, cohorts: churn.cohorts.cohorts.map((c) => ({ ...c, size: c.size * 1000 + 999 })) } },
    };
    const file = join(directory, 'big.html');
    writeFileSync(file, renderHtml(big, { title: 'Customer report: a company 1,000 times the fixtures' }));
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, javaScriptEnabled: true });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const clipped = await page.$$eval('svg.chart-svg', (svgs) =>
      svgs.flatMap((svg) => {
        const [, , w, h] = (svg.getAttribute('viewBox') ?? '0 0 0 0').split(' ').map(Number);
        const box = svg.getBoundingClientRect();
        const scale = w / box.width; // user units per pixel (the chart keeps its aspect ratio)
        return [...svg.querySelectorAll('text')].flatMap((t) => {
          const r = t.getBoundingClientRect();
          const [x0, x1, y0, y1] = [(r.left - box.left) * scale, (r.right - box.left) * scale, (r.top - box.top) * scale, (r.bottom - box.top) * scale];
          const inside = x0 >= -1 && y0 >= -1 && x1 <= w + 1 && y1 <= h + 1;
          return inside ? [] : [`${svg.getAttribute('data-chart')}: "${t.textContent}" at x ${x0.toFixed(1)}..${x1.toFixed(1)}, y ${y0.toFixed(1)}..${y1.toFixed(1)} outside 0..${w} x 0..${h}`];
        });
      }),
    );
    expect(clipped).toEqual([]);
    const labels = await page.$$eval('svg[data-chart="cohorts"] text', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(labels.some((l) => /\(\d{1,3},\d{3}\)$/.test(l))).toBe(true);
    expect(await page.$eval('html', (root) => root.scrollWidth)).toBeLessThanOrEqual(1400);
    // full-width charts take the width of the text column
    const column = await page.$eval('main', (main) => main.getBoundingClientRect().width);
    for (const name of ['survival', 'segments', 'churn-rates', 'alive-value']) {
      const width = await page.$eval(`svg[data-chart="${name}"]`, (svg) => svg.getBoundingClientRect().width);
      expect(width, name).toBeGreaterThan(0.85 * (column - 64));
    }
    await context.close();
  });
});
