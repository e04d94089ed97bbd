#!/usr/bin/env python3
"""The analyst's pipeline for `crm value`, in pandas + lifetimes: the peer of the bench (scripts/bench.mjs).

    python3 scripts/bench-lifetimes.py SALES.csv OUT.csv [--horizon 12] [--discount-rate 0.1] [--margin M]
                                       [--weekly-buckets] [--check]

Prints one JSON line on stdout: the number of customers, the fitted parameters, total and mean expected
purchases, P(alive) and CLV, the margin used, and the seconds of each stage. OUT.csv gets one row per
customer: customer_id, frequency, recency, T, monetary_value, p_alive, expected_transactions, expected_spend,
margin, clv. `--check` prints the lifetimes/numpy/pandas/scipy versions and exits (the bench uses it to see
whether lifetimes can be imported).

What it does, step by step (the stages timed in the JSON):
1. read: `pd.read_csv(SALES, usecols=[customer_id, date, amount, cost])` (only the columns it needs: a
   little kinder to pandas than reading the whole export). Return lines (amount < 0) are dropped: crm
   counts a day as a purchase day when it has at least one line with amount >= 0, so the purchase days,
   and therefore frequency, recency and T, are the same as crm's; the margin share is taken before the
   drop, over all lines, as crm does (sum(amount - cost) / sum(amount)).
2. summary: `lifetimes.utils.summary_data_from_transaction_data(..., monetary_value_col='amount',
   observation_period_end=<last date in the file>, freq='D', freq_multiplier=7)`: distinct purchase days,
   recency and T in weeks with day resolution, which is exactly crm's `--period week` summary (crm counts
   days and divides by 7). `--weekly-buckets` uses `freq='W'` instead (purchases bucketed into calendar
   weeks, integer recency and T: what many lifetimes users do; frequency is then lower than crm's).
3. fit: `BetaGeoFitter().fit(frequency, recency, T)` on every customer (no penalizer, as crm), then
   `GammaGammaFitter().fit(frequency, monetary_value)` on the customers with frequency > 0 and a mean
   repeat spend > 0 (as crm's spend fit).
4. predict: P(alive) (`conditional_probability_alive`), expected purchases over the horizon
   (`conditional_expected_number_of_purchases_up_to_time` at 12 months = 12 x 30.4375 / 7 weeks, as
   crm's `expected_transactions`), expected spend (`conditional_expected_average_profit`) and
   `customer_lifetime_value(bgf, ..., time=12, discount_rate=1.1^(1/12) - 1, freq='W')`: 12 monthly steps,
   each month's expected purchases times the expected spend, discounted at the end of the month at 10% a
   year, times the margin share (lifetimes returns spend; the margin is applied after).
5. write: the per-customer CSV.

How it differs from `crm value` (the bench runs `crm value --period week --model bgnbd --interval 0`, the
like-for-like command, and also plain `crm value --period week` for reference):
- crm by default (`--model auto`) fits BG/NBD, Pareto/NBD and MBG/NBD and picks by BIC; `--model bgnbd`
  fits BG/NBD only, as here. crm fits BG/NBD on the distinct (x, t_x, T) tuples with weights and analytic
  gradients, from several starts (a 20k sample first on large data) and computes standard errors from a
  Hessian; lifetimes fits once on every customer with autograd gradients.
- crm by default computes 90% intervals for every prediction (`--interval 0.9`); the like-for-like run
  turns them off (`--interval 0`). lifetimes has none.
- crm also computes, in every run and with no flag to turn them off: RFM segments at as-of and a year
  earlier, the per-segment baseline CLV (Gupta & Lehmann), deciles, value by segment, the new customer's
  value and checks for untrusted fits. None of that is done here.
- A month: crm's step is 30.4375 days = 4.3482 weeks; lifetimes' `freq='W'` step is 4.345 weeks
  (the horizon is 0.07% shorter here, an effect of well under 0.1% on CLV).
- Spend: crm values a repeat customer whose mean repeat spend is <= 0 at the population mean; lifetimes
  would apply the Gamma-Gamma formula (after dropping returns no such customer is left). crm nets a
  same-day return into that day's spend; dropping return lines here does not (about 0.2% of customers
  have a return on a purchase day), so their monetary value is slightly higher here.
"""
import json
import sys
import time


def main(argv):
    if '--check' in argv:
        import lifetimes, numpy, pandas, scipy  # noqa: E401
        try:
            import autograd  # noqa: F401
            ag = getattr(autograd, '__version__', 'present')
        except ImportError:
            ag = None
        print(json.dumps({'python': sys.version.split()[0], 'lifetimes': lifetimes.__version__, 'numpy': numpy.__version__,
                          'pandas': pandas.__version__, 'scipy': scipy.__version__, 'autograd': ag}))
        return 0
    opts = {'--horizon': '12', '--discount-rate': '0.1', '--margin': None}
    pos = []
    weekly_buckets = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in opts:
            opts[a] = argv[i + 1]
            i += 2
            continue
        if a == '--weekly-buckets':
            weekly_buckets = True
        else:
            pos.append(a)
        i += 1
    if len(pos) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    sales_path, out_path = pos
    horizon_months = int(opts['--horizon'])
    annual = float(opts['--discount-rate'])

    stages = {}
    t0 = time.perf_counter()

    def stage(name):
        nonlocal t0
        t = time.perf_counter()
        stages[name] = round(t - t0, 3)
        t0 = t

    import numpy as np
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data
    stage('import')

    sales = pd.read_csv(sales_path, usecols=['customer_id', 'date', 'amount', 'cost'])
    last_date = sales['date'].max()
    if opts['--margin'] is not None:
        margin = float(opts['--margin'])
    else:
        revenue = sales['amount'].sum()
        margin = float((revenue - sales['cost'].sum()) / revenue) if revenue > 0 else 1.0
    purchases = sales[sales['amount'] >= 0]
    del sales
    stage('read')

    if weekly_buckets:
        summary = summary_data_from_transaction_data(purchases, 'customer_id', 'date', monetary_value_col='amount',
                                                     observation_period_end=last_date, freq='W')
    else:
        summary = summary_data_from_transaction_data(purchases, 'customer_id', 'date', monetary_value_col='amount',
                                                     observation_period_end=last_date, freq='D', freq_multiplier=7)
    del purchases
    stage('summary')

    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary['frequency'], summary['recency'], summary['T'])
    stage('fit_bgnbd')
    repeat = summary[(summary['frequency'] > 0) & (summary['monetary_value'] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeat['frequency'], repeat['monetary_value'])
    stage('fit_gammagamma')

    f, r, T, m = summary['frequency'], summary['recency'], summary['T'], summary['monetary_value']
    horizon_weeks = horizon_months * 30.4375 / 7
    out = pd.DataFrame(index=summary.index)
    out['frequency'] = f
    out['recency'] = r
    out['T'] = T
    out['monetary_value'] = m
    out['p_alive'] = bgf.conditional_probability_alive(f, r, T)
    out['expected_transactions'] = bgf.conditional_expected_number_of_purchases_up_to_time(horizon_weeks, f, r, T)
    out['expected_spend'] = ggf.conditional_expected_average_profit(f, m)
    monthly = (1 + annual) ** (1 / 12) - 1
    clv = ggf.customer_lifetime_value(bgf, f, r, T, m, time=horizon_months, discount_rate=monthly, freq='W')
    out['margin'] = margin
    out['clv'] = clv.to_numpy() * margin
    stage('predict')

    out.index.name = 'customer_id'
    out.to_csv(out_path)
    stage('write')

    print(json.dumps({
        'customers': int(len(out)),
        'repeatCustomers': int(len(repeat)),
        'bgnbd': {k: float(v) for k, v in bgf.params_.items()},
        'gammagamma': {k: float(v) for k, v in ggf.params_.items()},
        'margin': margin,
        'asOf': str(last_date),
        'expectedTransactions': float(out['expected_transactions'].sum()),
        'meanPAlive': float(out['p_alive'].mean()),
        'meanClv': float(out['clv'].mean()),
        'equity': float(out['clv'].sum()),
        'seconds': stages,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
