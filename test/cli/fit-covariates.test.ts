/** crm fit --covariates: the fit with static covariates from the customers file, its JSON and its errors. */
import { describe, expect, it } from 'vitest';
import { fixture, sharedData } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';
import { customerParams } from '../../src/models/static-covariates.js';
import { PURCHASE_MODELS } from '../../src/models/registry.js';

const apparel = ['--customers', sharedData('apparel/customers.csv'), '--sales', sharedData('apparel/transactions.csv'), '--period', 'week', '--calibration-end', '2006-12-31', '-q'];

describe('crm fit --covariates', () => {
  it('Pareto/NBD on apparel: logLikelihood, coefficients by name, the likelihood-ratio test and the fit without', async () => {
    const r = await runCli(['fit', '--model', 'paretonbd', '--covariates', 'gender,channel', ...apparel, '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.covariates).toEqual(['gender', 'channel']);
    expect(Object.keys(doc.coefficients).sort()).toEqual(['life.channel', 'life.gender', 'trans.channel', 'trans.gender']);
    expect(doc.logLikelihood).toBeCloseTo(-5821.06, 1);
    expect(doc.withoutCovariates.logLikelihood).toBeCloseTo(-5848.1, 1);
    expect(doc.likelihoodRatio.statistic).toBeCloseTo(2 * (doc.logLikelihood - doc.withoutCovariates.logLikelihood), 6);
    expect(doc.likelihoodRatio.degreesOfFreedom).toBe(4);
    expect(doc.trusted).toBe(true);
    // a new customer of each profile: E[X(one year)] at the profile's α and β
    expect(doc.newCustomers).toHaveLength(4);
    for (const c of doc.newCustomers as { profile: Record<string, number>; customers: number; expectedTransactionsYear: number }[]) {
      const z = doc.covariates.map((n: string) => c.profile[n]);
      const params = customerParams('paretonbd', { params: doc.params, trans: { gender: doc.coefficients['trans.gender'], channel: doc.coefficients['trans.channel'] }, life: { gender: doc.coefficients['life.gender'], channel: doc.coefficients['life.channel'] } }, doc.covariates, z);
      expect(c.expectedTransactionsYear).toBeCloseTo(PURCHASE_MODELS.paretonbd.expectedTransactionsNew(params, 365.25 / 7), 6);
    }
    expect((doc.newCustomers as { customers: number }[]).reduce((n, c) => n + c.customers, 0)).toBe(600);
    // holdout: without covariates the prediction is crm validate's; with them, the per-customer errors are smaller here
    const validate = JSON.parse((await runCli(['validate', '--model', 'paretonbd', ...apparel.filter((a) => a !== sharedData('apparel/customers.csv') && a !== '--customers'), '-f', 'json'])).stdout);
    expect(doc.holdout.actual).toBe(validate.models[0].totals.actual);
    expect(doc.holdout.predictedWithout).toBeCloseTo(validate.models[0].totals.predicted, 3);
    expect(doc.holdout.maeWithout).toBeCloseTo(validate.models[0].mae, 6);
    expect(doc.holdout.mae).toBeLessThan(doc.holdout.maeWithout);
    const constrained = JSON.parse((await runCli(['fit', '--model', 'paretonbd', '--covariates', 'gender,channel', '--covariates-constrained', ...apparel, '-f', 'json'])).stdout);
    expect(Object.keys(constrained.coefficients).sort()).toEqual(['constr.channel', 'constr.gender']);
    expect(constrained.likelihoodRatio.degreesOfFreedom).toBe(2);
    const gender = JSON.parse((await runCli(['fit', '--model', 'paretonbd', '--covariates', 'gender,channel', '--covariates-constrained', 'gender', ...apparel, '-f', 'json'])).stdout);
    expect(Object.keys(gender.coefficients).sort()).toEqual(['constr.gender', 'life.channel', 'trans.channel']);
    expect(gender.logLikelihood).toBeCloseTo(-5826.5342, 3);
  }, 60_000);

  it('categories from the fixtures become dummies against the first level; Gamma-Gamma takes them on spend', async () => {
    const r = await runCli(['fit', '--model', 'gammagamma', '--covariates', 'region', '--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '-q', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.reference).toEqual({ region: 'Central' });
    expect(Object.keys(doc.coefficients).every((k: string) => k.startsWith('spend.region='))).toBe(true);
    const table = await runCli(['fit', '--model', 'gammagamma', '--covariates', 'region', '--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '-q', '-f', 'table']);
    expect(table.stdout).toContain('Likelihood-ratio test of no covariate effect');
  });

  it('usage errors: another model, no customers file, an unknown column, constrained alone', async () => {
    const sales = ['--sales', fixture('sales.csv'), '-q'];
    expect((await runCli(['fit', '--model', 'mbgnbd', '--covariates', 'region', '--customers', fixture('customers.csv'), ...sales])).code).toBe(2);
    expect((await runCli(['fit', '--model', 'bgnbd', '--covariates', 'region', ...sales])).code).toBe(2);
    const unknown = await runCli(['fit', '--model', 'bgnbd', '--covariates', 'regoin', '--customers', fixture('customers.csv'), ...sales]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no column "regoin" in the customers file \(hint: its columns: .*region/);
    expect((await runCli(['fit', '--model', 'bgnbd', '--covariates-constrained', ...sales])).code).toBe(2);
  });
});
