"""Reference log-likelihoods at extreme parameters for test/models/extreme-likelihoods.test.ts.

Exact arithmetic where the formula allows it (products of rationals), and Python's decimal module at 250
significant digits for ln, exp and ln Gamma (Stirling series with 40 Bernoulli terms after shifting the
argument above 1000 by the recurrence), so every value below is correct to far more than the 17 digits
printed. Inputs are taken as the exact values of the doubles the tests pass (Decimal(float(text))).
Run: python3 test/models/reference/extreme_likelihoods.py
"""
from decimal import Decimal as D, getcontext
from fractions import Fraction

getcontext().prec = 250


def bernoulli(n):
    # B_0..B_n as fractions (Akiyama-Tanigawa)
    a = [Fraction(0)] * (n + 1)
    out = []
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


B = bernoulli(82)
LN_2PI = (D(2) * D('3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196')).ln()


def X(text):
    # the exact value of the double the JavaScript test passes for this literal
    return D(float(text))


def lgamma(z):
    z = D(z)
    shift = D(0)
    while z < 1000:
        shift += z.ln()
        z += 1
    s = (z - D('0.5')) * z.ln() - z + LN_2PI / 2
    for k in range(1, 41):
        b = B[2 * k]
        s += D(b.numerator) / D(b.denominator) / (D(2 * k) * D(2 * k - 1) * z ** (2 * k - 1))
    return s - shift


def log_add_exp(u, v):
    m = max(u, v)
    return m + ((u - m).exp() + (v - m).exp()).ln()


def ratio(a, b, n):
    # B(a, b + n) / B(a, b) = prod_{j<n} (b + j)/(a + b + j)
    out = D(1)
    for j in range(n):
        out *= (D(b) + j) / (D(a) + D(b) + j)
    return out


def purchase(model, params, data):
    r, alpha, a, b = (X(params[k]) for k in ('r', 'alpha', 'a', 'b'))
    total = D(0)
    for x, tx, T in data:
        tx, T = X(tx), X(T)
        common = sum(((r + j).ln() for j in range(x)), D(0)) + r * alpha.ln() - (r + x) * (alpha + T).ln()
        if model == 'bgnbd':
            survive = ratio(a, b, x)
            dropout = a * ratio(a, b, x) / (b + x - 1) if x > 0 else D(0)
        else:
            survive = ratio(a, b, x + 1)
            dropout = a * ratio(a, b, x + 1) / (b + x)
        term = survive + dropout * (((alpha + T) / (alpha + tx)).ln() * (r + x)).exp()
        total += common + term.ln()
    return total


def gamma_gamma(params, data):
    p, q, g = (X(params[k]) for k in ('p', 'q', 'gamma'))
    total = D(0)
    for x, m in data:
        x, m = D(x), X(m)
        px = p * x
        total += lgamma(px + q) - lgamma(px) - lgamma(q) + q * g.ln() + px * x.ln() + (px - 1) * m.ln() - (px + q) * (g + x * m).ln()
    return total


PURCHASE_DATA = [(2, '30.43', '38.86'), (0, 0, '38.86'), (7, '35.1', '36.3'), (0, 0, 0)]
PURCHASE_PARAMS = [
    {'r': '0.243', 'alpha': '4.414', 'a': '0.793', 'b': '2.426'},
    {'r': '0.5', 'alpha': '10', 'a': '1e15', 'b': '1e15'},
    {'r': '1e6', 'alpha': '1e7', 'a': '1e-6', 'b': '1e6'},
    {'r': '3e4', 'alpha': '2e-3', 'a': '50', 'b': '0.02'},
    {'r': '1e100', 'alpha': '1e102', 'a': '1e200', 'b': '3e200'},
]
SPEND_DATA = [(1, '35'), (3, '52.5'), (2, '10'), (7, '88.1')]
SPEND_PARAMS = [
    {'p': '6.25', 'q': '3.74', 'gamma': '15.44'},
    {'p': '3.6e-19', 'q': '1.2e23', 'gamma': '3.0e43'},
    {'p': '2e105', 'q': '3e106', 'gamma': '5e106'},
    {'p': '1e6', 'q': '1e6', 'gamma': '35'},
    {'p': '40', 'q': '1e12', 'gamma': '2e12'},
]
def bgbb(params, data):
    # FHS: L = B(al + x, be + n - x)/B(al, be) * B(ga, de + n)/B(ga, de)
    #        + sum_{i=0}^{n - tx - 1} B(al + x, be + tx - x + i)/B(al, be) * B(ga + 1, de + tx + i)/B(ga, de),
    # every ratio a product over integer shifts
    al, be, ga, de = (X(params[k]) for k in ('alpha', 'beta', 'gamma', 'delta'))

    def pq(a, b, x, m):
        # B(a + x, b + m - x)/B(a, b)
        out = D(1)
        for j in range(x):
            out *= a + j
        for j in range(m - x):
            out *= b + j
        for j in range(m):
            out /= a + b + j
        return out

    def surv(g, d, m):
        # B(g, d + m)/B(g, d)
        out = D(1)
        for j in range(m):
            out *= (d + j) / (g + d + j)
        return out

    total = D(0)
    for x, tx, n in data:
        value = pq(al, be, x, n) * surv(ga, de, n)
        for i in range(n - tx):
            value += pq(al, be, x, tx + i) * ga / (ga + de + tx + i) * surv(ga, de, tx + i)
        total += value.ln()
    return total


BGBB_DATA = [(6, 6, 6), (0, 0, 6), (3, 4, 6), (2, 5, 10), (0, 0, 0)]
BGBB_PARAMS = [
    {'alpha': '1.204', 'beta': '0.75', 'gamma': '0.657', 'delta': '2.783'},
    {'alpha': '1e15', 'beta': '3e15', 'gamma': '2e14', 'delta': '7e15'},
    {'alpha': '1e-6', 'beta': '1e6', 'gamma': '1e6', 'delta': '1e-6'},
]

IDENTICAL_SPEND_DATA = [(2, '35')] * 3
IDENTICAL_SPEND_PARAMS = [
    {'p': '1e20', 'q': '2e21', 'gamma': '700'},
    {'p': '1e107', 'q': '2e108', 'gamma': '701'},
    {'p': '5e30', 'q': '7e31', 'gamma': '910'},
]

if __name__ == '__main__':
    for model in ('bgnbd', 'mbgnbd'):
        for params in PURCHASE_PARAMS:
            print(model, params, '%.17e' % float(purchase(model, params, PURCHASE_DATA)))
    for params in SPEND_PARAMS:
        print('gammagamma', params, '%.17e' % float(gamma_gamma(params, SPEND_DATA)))
    for params in BGBB_PARAMS:
        print('bgbb', params, '%.17e' % float(bgbb(params, BGBB_DATA)))
    for params in IDENTICAL_SPEND_PARAMS:
        print('gammagamma identical', params, '%.17e' % float(gamma_gamma(params, IDENTICAL_SPEND_DATA)))
