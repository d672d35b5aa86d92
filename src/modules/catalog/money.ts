// Money as integer minor units. Floating point never touches an amount: parsing
// works on digit strings, splitting uses BigInt, and formatting hands Intl an
// exact decimal string.

export type Money = { amount: number; currency: string };

export type ParseMoneyResult = { ok: true; money: Money } | { ok: false; error: string };

/** Largest amount parseMoney accepts, in major units (inclusive). */
export const MAX_MAJOR_UNITS = 1_000_000_000;

// Deliberately short: every code here needs a reviewed exponent and a
// payment provider that settles it. BGN/HRK are left out because they have
// been (or are being) replaced by EUR.
const SUPPORTED = new Set([
  'USD', 'EUR', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'ISK', 'PLN', 'CZK', 'HUF', 'RON', 'RSD',
  'UAH', 'GEL', 'TRY', 'ILS', 'AED', 'SAR', 'QAR', 'KWD', 'BHD', 'OMR', 'JOD', 'IQD', 'TND',
  'LYD', 'EGP', 'MAD', 'ZAR', 'NGN', 'KES', 'GHS', 'UGX', 'TZS', 'KZT', 'INR', 'PKR', 'BDT',
  'LKR', 'NPR', 'CNY', 'HKD', 'TWD', 'JPY', 'KRW', 'SGD', 'MYR', 'THB', 'IDR', 'PHP', 'VND',
  'AUD', 'NZD', 'CAD', 'MXN', 'BRL', 'ARS', 'CLP', 'COP', 'PEN', 'UYU', 'PYG',
]);

// CLDR's display digits are not ISO 4217 minor units: ICU 78 reports 0 for
// HUF, IDR, COP, PKR and IQD. The 0- and 3-decimal currencies are pinned too,
// because an ICU upgrade changing them would silently rescale every stored
// amount by 100x or 1000x. The test suite pins the full table as well.
const ISO_EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, UGX: 0, PYG: 0,
  HUF: 2, TWD: 2, IDR: 2, COP: 2, PKR: 2,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, LYD: 3, IQD: 3,
};

/** The currencies creators can price in, alphabetical (for select boxes). */
export const SUPPORTED_CURRENCIES: readonly string[] = [...SUPPORTED].sort();

export function isSupportedCurrency(code: string): boolean {
  return typeof code === 'string' && SUPPORTED.has(code);
}

function assertSupported(code: string): void {
  if (!isSupportedCurrency(code)) throw new RangeError(`Unsupported currency: ${String(code)}`);
}

export function currencyExponent(code: string): number {
  assertSupported(code);
  const pinned = ISO_EXPONENT_OVERRIDES[code];
  if (pinned !== undefined) return pinned;
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    .maximumFractionDigits ?? 2;
}

// Symbols a user may type before or after the number; the form already fixes the currency, so
// the narrow "$" is fine for CAD, and the code itself is accepted (in any case).
const symbolCache = new Map<string, string[]>();
function symbolsFor(code: string): string[] {
  let symbols = symbolCache.get(code);
  if (!symbols) {
    const found = new Set([code]);
    for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
      const parts = new Intl.NumberFormat('en', { style: 'currency', currency: code, currencyDisplay })
        .formatToParts(1);
      const symbol = parts.find((p) => p.type === 'currency')?.value;
      if (symbol) found.add(symbol);
    }
    symbols = [...found].sort((a, b) => b.length - a.length); // "CA$" before "$"
    symbolCache.set(code, symbols);
  }
  return symbols;
}

function example(exponent: number): string {
  return exponent === 0 ? '1500' : `12.${'50'.padEnd(exponent, '0')}`;
}

const fail = (error: string): ParseMoneyResult => ({ ok: false, error });
const isMinus = (t: string) => /^[-\u2212]/.test(t);

/**
 * Removes one currency mark, before ("$5", "USD 5") or after ("5 €", "5EUR") the number, if it
 * is this currency's symbol or code; another currency's is an error, not silently ignored.
 */
function stripCurrency(s: string, currency: string): { ok: true; rest: string } | { ok: false; error: string } {
  const upper = s.toUpperCase();
  const symbols = symbolsFor(currency);
  const lead = symbols.find((sym) => upper.startsWith(sym.toUpperCase()));
  if (lead) return { ok: true, rest: s.slice(lead.length).trimStart() };
  const trail = symbols.find((sym) => upper.endsWith(sym.toUpperCase()));
  if (trail) return { ok: true, rest: s.slice(0, -trail.length).trimEnd() };
  if (/^\p{Sc}|\p{Sc}$/u.test(s)) return { ok: false, error: `That currency symbol doesn’t match ${currency}` };
  const code = /^([A-Za-z]{3})(?![A-Za-z])|(?<![A-Za-z])([A-Za-z]{3})$/.exec(s);
  const other = (code?.[1] ?? code?.[2])?.toUpperCase();
  if (other && isSupportedCurrency(other)) return { ok: false, error: `That currency code doesn’t match ${currency}: prices here are in ${currency}` };
  return { ok: true, rest: s };
}

/**
 * User input → minor units in the currency's precision. A currency symbol or code of the same
 * currency may come before or after the number. A minus sign is refused ("can’t be negative"),
 * except on zero: "-0" is 0.
 */
export function parseMoney(input: string, currency: string): ParseMoneyResult {
  if (!isSupportedCurrency(currency)) return fail(`${String(currency)} is not a supported currency`);
  if (typeof input !== 'string') return fail('Enter an amount');
  const exponent = currencyExponent(currency);

  let s = input.trim();
  if (s === '') return fail('Enter an amount');
  // Checked before anything else so a smuggled NUL can never reach storage or logs.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) return fail('Amount contains invalid characters');
  if (s.length > 64) return fail('Amount is too long');

  // "-5", "-$5", "$-5", "-5 €": the sign may sit on either side of a leading symbol.
  let negative = isMinus(s);
  if (negative) s = s.slice(1).trimStart();
  const stripped = stripCurrency(s, currency);
  if (!stripped.ok) return negative ? fail('Amount can’t be negative') : stripped;
  s = stripped.rest;
  if (isMinus(s)) {
    if (negative) return fail('Amount can’t be negative'); // "--0": one sign at most
    negative = true;
    s = s.slice(1).trimStart();
  }
  const result = parseDigits(s, currency, exponent);
  if (negative && !(result.ok && result.money.amount === 0)) return fail('Amount can’t be negative');
  return result;
}

/** The number itself (no sign, no currency mark): digits, optional thousands commas, one decimal point. */
function parseDigits(s: string, currency: string, exponent: number): ParseMoneyResult {
  const hint = `Enter a number like ${example(exponent)}`;
  if (/^[\d.,]*\d[eE][+-]?\d+$/.test(s)) return fail(`Write the amount without exponents, like ${example(exponent)}`);
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return fail(hint);

  const pieces = s.split('.');
  if (pieces.length > 2) return fail(`Use at most one decimal point, like ${example(exponent)}`);
  const [intRaw = '', fracRaw = ''] = pieces;
  if (fracRaw.includes(',')) return fail(hint);
  // Commas are only thousands separators: "5,00" is most likely a European
  // decimal comma, and guessing wrong would be a 100x price error.
  if (intRaw.includes(',') && !/^\d{1,3}(?:,\d{3})+$/.test(intRaw)) {
    return fail(`Use commas only between groups of three digits, like 1,234.50`);
  }

  const frac = fracRaw.replace(/0+$/, ''); // "199.00" JPY is still a whole number
  if (frac.length > exponent) {
    return fail(exponent === 0
      ? `${currency} has no decimal places`
      : `${currency} allows at most ${exponent} decimal place${exponent === 1 ? '' : 's'}`);
  }

  const digits = (intRaw.replaceAll(',', '') + frac.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const minor = BigInt(digits || '0');
  const maxMinor = BigInt(MAX_MAJOR_UNITS) * 10n ** BigInt(exponent);
  if (minor > maxMinor || minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    const max = formatMoney({ amount: Number(maxMinor), currency });
    return fail(`Amount can’t be more than ${max}`);
  }
  return { ok: true, money: { amount: Number(minor), currency } };
}

function assertMoney(money: Money): void {
  assertSupported(money.currency);
  if (!Number.isSafeInteger(money.amount)) {
    throw new RangeError(`Money amount must be a safe integer of minor units, got ${money.amount}`);
  }
}

/** Exact decimal form for form values and CSV: {1999,'USD'} → "19.99". */
export function toDecimalString(money: Money): string {
  assertMoney(money);
  const exponent = currencyExponent(money.currency);
  const sign = money.amount < 0 ? '-' : '';
  const digits = String(Math.abs(money.amount));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

// Intl.NumberFormat v3 (Node 20) formats numeric strings exactly, but older
// TypeScript libs only declare format(number).
type DecimalFormatter = { format(value: string): string };
const formatterCache = new Map<string, DecimalFormatter>();

function formatterFor(locale: string, currency: string, exponent: number): DecimalFormatter {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    const options = {
      style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent,
    } as const;
    let nf: Intl.NumberFormat;
    try {
      nf = new Intl.NumberFormat(locale, options);
    } catch {
      // Locales often come from Accept-Language; a bad tag shouldn't break a page.
      nf = new Intl.NumberFormat('en', options);
    }
    formatter = nf as unknown as DecimalFormatter;
    if (formatterCache.size >= 500) formatterCache.clear(); // keys are partly user-controlled
    formatterCache.set(key, formatter);
  }
  return formatter;
}

export function formatMoney(money: Money, locale = 'en'): string {
  assertMoney(money);
  const exponent = currencyExponent(money.currency);
  return formatterFor(locale, money.currency, exponent).format(toDecimalString(money));
}

// Every finite double is m / 2^k for integers m, k, so weights can be scaled to
// exact BigInts: the split is then exact and identical on every platform.
function toDyadic(weight: number): { m: bigint; k: number } {
  let x = weight;
  let k = 0;
  while (!Number.isInteger(x)) {
    x *= 2; // exact in binary floating point; non-integers are < 2^53 so no overflow
    k += 1;
  }
  return { m: BigInt(x), k };
}

/**
 * Splits an integer total by weights; parts always sum to total and each is
 * within 1 of its exact share. Leftover units go to the largest remainders,
 * lower index first on ties.
 */
export function splitLargestRemainder(total: number, weights: number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`total must be a safe integer, got ${total}`);
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new RangeError('weights must be a non-empty array');
  }
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new RangeError(`weights[${i}] must be a finite, non-negative number, got ${String(w)}`);
    }
  });
  if (!weights.some((w) => w > 0)) throw new RangeError('at least one weight must be positive');

  const dyadic = weights.map(toDyadic);
  const maxK = Math.max(...dyadic.map((d) => d.k));
  const scaled = dyadic.map(({ m, k }) => m << BigInt(maxK - k));
  const sum = scaled.reduce((a, b) => a + b, 0n);

  // Split the magnitude so negative totals (refunds) round the same way.
  const magnitude = BigInt(Math.abs(total));
  const parts = scaled.map((w) => (magnitude * w) / sum);
  const remainders = scaled.map((w) => (magnitude * w) % sum);
  let leftover = magnitude - parts.reduce((a, b) => a + b, 0n);
  const order = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (leftover === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    leftover -= 1n;
  }
  const sign = total < 0 ? -1 : 1;
  return parts.map((p) => sign * Number(p) + 0); // + 0 normalises -0
}
