/**
 * Sums of money read from decimal text. Binary floating point cannot hold most decimal amounts exactly, so a
 * purchase and a return of the same amount in other pieces (0.30 bought, 0.10 and 0.20 returned) net to a
 * residue such as −2.8e-17 instead of 0, and a customer who returned everything would count as a
 * negative-revenue customer. {@link addMoney} adds two amounts and returns exactly 0 when the sum is only
 * that residue: smaller than {@link MONEY_RESIDUE} times the size of the terms. A real net amount that small
 * would need amounts a hundred billion times larger than a cent.
 */

/** Relative size below which a sum of amounts is rounding residue (about 2,000 ulps). */
export const MONEY_RESIDUE = 1e-12 * 0.5;

/**
 * a + b, or exactly 0 when the sum is rounding residue of the two.
 *
 * @example
 * addMoney(0.3 - 0.1, -0.2) // => 0 (not -2.7755575615628914e-17)
 * addMoney(10, -9.99) // => 0.009999999999999787
 */
export function addMoney(a: number, b: number): number {
  const sum = a + b;
  return Math.abs(sum) <= MONEY_RESIDUE * (Math.abs(a) + Math.abs(b)) ? 0 : sum;
}
