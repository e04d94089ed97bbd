/** `crm generate`: a reproducible synthetic company of any size (see src/generate/company.ts). */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { defaultTruth, generateCompany } from '../../generate/company.js';
import { fileSink } from '../../report/output.js';
import { parseDateOption } from '../options.js';
import { diagnostics } from '../output.js';
import type { Io } from '../io.js';

function positiveInteger(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return n;
}

export function registerGenerate(program: Command, io: Io): void {
  const cmd = program
    .command('generate')
    .description('write a synthetic company (customers.csv, sales.csv, payments.csv, truth.json) from a stated BG/NBD + Gamma-Gamma process')
    .requiredOption('--customers <n>', 'number of customers')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--seed <n>', 'random seed (default 1)')
    .option('--start <date>', 'first day of the history (default 2023-01-01)')
    .option('--end <date>', 'last day of the history (default 2025-12-31)')
    .option('-q, --quiet', 'no diagnostics on stderr');
  cmd.action(async () => {
    const o = cmd.opts();
    const customers = positiveInteger(o.customers, '--customers');
    const seed = o.seed === undefined ? 1 : Number(o.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not "${o.seed}"`);
    const start = parseDateOption(o.start, '--start');
    const end = parseDateOption(o.end, '--end');
    if (start !== undefined && end !== undefined && end <= start) throw new UsageError('--end must be after --start');
    const dir = String(o.out);
    await mkdir(dir, { recursive: true });
    const truth = defaultTruth({ customers, seed, start, end });
    const sinks = {
      customers: fileSink(join(dir, 'customers.csv')),
      sales: fileSink(join(dir, 'sales.csv')),
      payments: fileSink(join(dir, 'payments.csv')),
      truth: fileSink(join(dir, 'truth.json')),
    };
    try {
      const counts = await generateCompany(truth, {
        customers: (l) => sinks.customers.write(l),
        sales: (l) => sinks.sales.write(l),
        payments: (l) => sinks.payments.write(l),
      });
      await sinks.truth.write(`${JSON.stringify({ ...truth, written: counts }, null, 2)}\n`);
      for (const s of Object.values(sinks)) await s.close();
      diagnostics(io, o.quiet, [
        `generated ${counts.customers} customers, ${counts.orders} orders in ${counts.salesRows} sales rows, ${counts.invoices} invoices in ${dir}`,
        `truth: BG/NBD (days) r=${truth.bgnbd.r} alpha=${truth.bgnbd.alpha} a=${truth.bgnbd.a} b=${truth.bgnbd.b}; Gamma-Gamma p=${truth.gammagamma.p} q=${truth.gammagamma.q} gamma=${truth.gammagamma.gamma}`,
      ]);
    } catch (err) {
      for (const s of Object.values(sinks)) await s.abort();
      throw err;
    }
  });
}
