#!/usr/bin/env python3
"""
Independent reference for the default survival view of `crm churn` (issue 18.4), written from the
definitions without any code of this project: python3 test/churn/km_reference.py FILE [AS_OF]

- purchase days: distinct dates with a line of amount >= 0, on or before as-of (default: the last date);
- churn window W: ceil of the type-7 (R default) 90th percentile of the gaps between consecutive purchase
  days, pooled over customers (90 days with fewer than 20 gaps);
- observed lifetime: last - first purchase day; churned when as-of - last >= W, else censored (at last - first);
- Kaplan-Meier with Greenwood's variance and the log-log interval, as lifelines' KaplanMeierFitter and R's
  survfit(conf.type = "log-log"): S(t) = prod(1 - d/n), var = S^2 sum d/(n(n-d)),
  bounds S^exp(+-1.96 sigma/log S); median = first t with S <= 0.5.
Prints W, n, events, S(0), S(t), SE(t), lower, upper at 30, 90, 180, 365 days, and the median.
"""
import csv, math, sys
from collections import defaultdict
from datetime import date

path = sys.argv[1]
days = defaultdict(set)
last_date = None
rows = list(csv.DictReader(open(path)))
for r in rows:
    d = date.fromisoformat(r['date'])
    last_date = d if last_date is None or d > last_date else last_date
as_of = date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else last_date
for r in rows:
    d = date.fromisoformat(r['date'])
    if d <= as_of and float(r['amount']) >= 0:
        days[r['customer_id']].add(d.toordinal())

gaps = []
for s in days.values():
    s = sorted(s)
    gaps += [b - a for a, b in zip(s, s[1:])]
gaps.sort()
if len(gaps) < 20:
    W = 90
else:
    h = (len(gaps) - 1) * 0.9
    lo = math.floor(h)
    hi = min(lo + 1, len(gaps) - 1)
    W = max(1, math.ceil(gaps[lo] + (h - lo) * (gaps[hi] - gaps[lo]) - 1e-9))

obs = []  # (duration, churned)
for s in days.values():
    s = sorted(s)
    first, last = s[0], s[-1]
    obs.append((last - first, as_of.toordinal() - last >= W))

times = sorted(set(t for t, _ in obs))
by_t = defaultdict(lambda: [0, 0])
for t, e in obs:
    by_t[t][0 if e else 1] += 1
n = len(obs)
S, var_sum = 1.0, 0.0
curve = []  # (t, S, sigma)
for t in times:
    d, c = by_t[t]
    if d:
        S *= 1 - d / n
        var_sum += d / (n * (n - d)) if n > d else float('inf')
    curve.append((t, S, math.sqrt(var_sum)))
    n -= d + c

def at(t):
    S, sigma = 1.0, 0.0
    for u, s, sg in curve:
        if u <= t:
            S, sigma = s, sg
    if 0 < S < 1:
        spread = 1.959963984540054 * sigma / math.log(S)
        lo, up = S ** math.exp(-spread), S ** math.exp(spread)
    else:
        lo = up = None
    return S, S * sigma, lo, up

median = next((u for u, s, _ in curve if s <= 0.5), None)
print(f"as_of={as_of} W={W} n={len(obs)} events={sum(e for _, e in obs)}")
for t in [0, 30, 90, 180, 365]:
    S, se, lo, up = at(t)
    print(f"t={t} S={S!r} SE={se!r} lower={lo!r} upper={up!r}")
print(f"median={median}")
