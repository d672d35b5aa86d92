import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_MAJOR_UNITS, currencyExponent, formatMoney, isSupportedCurrency, parseMoney,
  splitLargestRemainder, toDecimalString,
} from './money.ts';

// mulberry32: tiny seeded PRNG so property-test failures are reproducible.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (rand: () => number, max: number) => Math.floor(rand() * (max + 1));

function parsed(input: string, currency: string): number {
  const result = parseMoney(input, currency);
  assert.ok(result.ok, `expected ${JSON.stringify(input)} to parse, got ${JSON.stringify(result)}`);
  assert.equal(result.money.currency, currency);
  return result.money.amount;
}
function parseError(input: string, currency: string): string {
  const result = parseMoney(input, currency);
  assert.equal(result.ok, false, `expected ${JSON.stringify(input)} (${currency}) to be rejected`);
  return result.ok ? '' : result.error;
}

describe('currencies', () => {
  // The full ISO 4217 table for the allowlist: if an ICU upgrade changes a
  // derived exponent, this fails instead of stored amounts being rescaled.
  const iso: Record<string, number> = {
    JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, UGX: 0, PYG: 0,
    BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, LYD: 3, IQD: 3,
  };
  const all = 'USD EUR GBP CHF SEK NOK DKK ISK PLN CZK HUF RON RSD UAH GEL TRY ILS AED SAR QAR KWD BHD OMR JOD IQD TND LYD EGP MAD ZAR NGN KES GHS UGX TZS KZT INR PKR BDT LKR NPR CNY HKD TWD JPY KRW SGD MYR THB IDR PHP VND AUD NZD CAD MXN BRL ARS CLP COP PEN UYU PYG'.split(' ');

  it('uses ISO 4217 exponents for every supported currency', () => {
    for (const code of all) {
      assert.ok(isSupportedCurrency(code), code);
      assert.equal(currencyExponent(code), iso[code] ?? 2, code);
    }
  });

  it('rejects codes outside the allowlist', () => {
    for (const code of ['usd', 'US', 'USDD', 'XXX', 'XAU', 'BTC', 'HRK', '', 'US\u0000']) {
      assert.equal(isSupportedCurrency(code), false, code);
      assert.throws(() => currencyExponent(code), RangeError);
    }
    assert.match(parseError('5', 'XYZ'), /not a supported currency/);
  });
});

describe('parseMoney', () => {
  it('accepts ordinary input', () => {
    assert.equal(parsed('5', 'USD'), 500);
    assert.equal(parsed('5.00', 'USD'), 500);
    assert.equal(parsed('5.5', 'USD'), 550);
    assert.equal(parsed('1,234.50', 'USD'), 123450);
    assert.equal(parsed('1,234,567', 'USD'), 123456700);
    assert.equal(parsed(' 12 ', 'USD'), 1200);
    assert.equal(parsed('\u00a012\t', 'USD'), 1200);
    assert.equal(parsed('0', 'USD'), 0);
    assert.equal(parsed('.5', 'USD'), 50);
    assert.equal(parsed('5.', 'USD'), 500);
    assert.equal(parsed('007', 'USD'), 700);
    assert.equal(parsed('19.99', 'USD'), 1999);
    assert.equal(parsed('199', 'JPY'), 199);
    assert.equal(parsed('199.00', 'JPY'), 199);
    assert.equal(parsed('1.5', 'KWD'), 1500);
    assert.equal(parsed('0.001', 'KWD'), 1);
    assert.equal(parsed('19.990', 'USD'), 1999);
  });

  it('accepts a leading symbol or code for the same currency', () => {
    assert.equal(parsed('$5', 'USD'), 500);
    assert.equal(parsed('$ 5', 'USD'), 500);
    assert.equal(parsed('¥199', 'JPY'), 199);
    assert.equal(parsed('€5', 'EUR'), 500);
    assert.equal(parsed('£1,000', 'GBP'), 100000);
    assert.equal(parsed('CA$5', 'CAD'), 500);
    assert.equal(parsed('$5', 'CAD'), 500);
    assert.equal(parsed('USD 5', 'USD'), 500);
    assert.match(parseError('€5', 'USD'), /doesn’t match USD/);
    assert.match(parseError('$5', 'JPY'), /doesn’t match JPY/);
  });

  it('accepts the symbol or code after the number too, and refuses another currency’s either way', () => {
    assert.equal(parsed('5 €', 'EUR'), 500);
    assert.equal(parsed('5€', 'EUR'), 500);
    assert.equal(parsed('€ 5', 'EUR'), 500);
    assert.equal(parsed('1,234.50 €', 'EUR'), 123450);
    assert.equal(parsed('5 EUR', 'EUR'), 500);
    assert.equal(parsed('5eur', 'EUR'), 500);
    assert.equal(parsed('eur 5', 'EUR'), 500);
    assert.equal(parsed('5$', 'USD'), 500);
    assert.equal(parsed('199 ¥', 'JPY'), 199);
    assert.equal(parsed('5 CA$', 'CAD'), 500);
    assert.match(parseError('5 €', 'USD'), /^That currency symbol doesn’t match USD$/);
    assert.match(parseError('5 $', 'EUR'), /^That currency symbol doesn’t match EUR$/);
    assert.match(parseError('5 USD', 'EUR'), /currency code doesn’t match EUR/);
    assert.match(parseError('GBP 5', 'EUR'), /currency code doesn’t match EUR/);
    assert.match(parseError('€5€', 'EUR'), /Enter a number/, 'one mark, not two');
    assert.match(parseError('5 €', 'JPY'), /doesn’t match JPY/);
    assert.match(parseError('5,00 €', 'EUR'), /groups of three digits/, 'a decimal comma is still refused clearly');
  });

  it('a minus sign is refused, except on zero: "-0" is 0', () => {
    for (const zero of ['-0', '-0.00', '\u22120', '-$0', '$-0', '- 0', '-0 €']) {
      assert.equal(parsed(zero, zero.includes('€') ? 'EUR' : 'USD'), 0, JSON.stringify(zero));
    }
    assert.equal(parsed('-0', 'JPY'), 0);
    for (const negative of ['-0.01', '-0.001', '-5 €', '-€5', '€-5', '-abc', '-5 USD']) {
      assert.match(parseError(negative, negative.includes('€') ? 'EUR' : 'USD'), /can’t be negative/, JSON.stringify(negative));
    }
    assert.match(parseError('--0', 'USD'), /can’t be negative/);
    assert.match(parseError('$--0', 'USD'), /can’t be negative/);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['', 'USD', /Enter an amount/],
    ['   ', 'USD', /Enter an amount/],
    ['\n\t', 'USD', /Enter an amount/],
    ['-5', 'USD', /negative/],
    ['\u22125', 'USD', /negative/],
    ['-$5', 'USD', /negative/],
    ['$-5', 'USD', /negative/],
    ['1e309', 'USD', /without exponents/],
    ['1E3', 'USD', /without exponents/],
    ['NaN', 'USD', /Enter a number like 12\.50/],
    ['Infinity', 'USD', /Enter a number/],
    ['-Infinity', 'USD', /negative/],
    ['19.999', 'USD', /^USD allows at most 2 decimal places$/],
    ['199.5', 'JPY', /^JPY has no decimal places$/],
    ['1.0001', 'KWD', /^KWD allows at most 3 decimal places$/],
    ['abc', 'USD', /Enter a number/],
    ['abc', 'JPY', /Enter a number like 1500/],
    ['5..0', 'USD', /one decimal point/],
    ['5.0.0', 'USD', /one decimal point/],
    ['1,2,3.4', 'USD', /groups of three digits/],
    ['5,00', 'EUR', /groups of three digits/],
    ['1,23', 'USD', /groups of three digits/],
    ['1.234,5', 'USD', /Enter a number/],
    ['.', 'USD', /Enter a number/],
    ['+5', 'USD', /Enter a number/],
    ['1 234', 'USD', /Enter a number/],
    ['5\u0000', 'USD', /invalid characters/],
    ['\u00005', 'USD', /invalid characters/],
    ['5\u001b', 'USD', /invalid characters/],
    ['1000000000.01', 'USD', /more than \$1,000,000,000\.00/],
    ['1,000,000,001', 'USD', /more than/],
    ['99999999999999999999', 'USD', /more than/],
    ['9007199254740993', 'JPY', /more than ¥1,000,000,000$/],
    ['1'.repeat(100), 'USD', /too long/],
    ['0x10', 'USD', /Enter a number/],
    ['5', 'usd', /not a supported currency/],
  ];
  it('rejects bad input with a human message', () => {
    for (const [input, currency, message] of bad) {
      assert.match(parseError(input, currency), message, JSON.stringify(input));
    }
  });

  it('accepts exactly the maximum', () => {
    assert.equal(parsed(String(MAX_MAJOR_UNITS), 'USD'), MAX_MAJOR_UNITS * 100);
    assert.equal(parsed('1,000,000,000.000', 'KWD'), MAX_MAJOR_UNITS * 1000);
  });

  it('never returns an unsafe or negative amount (property)', () => {
    const rand = prng(7);
    const alphabet = '0123456789.,-$€e \u0000';
    for (let n = 0; n < 5000; n++) {
      let input = '';
      for (let len = randInt(rand, 14); len > 0; len--) input += alphabet[randInt(rand, alphabet.length - 1)];
      for (const currency of ['USD', 'JPY', 'KWD']) {
        const result = parseMoney(input, currency);
        if (result.ok) {
          assert.ok(Number.isSafeInteger(result.money.amount) && result.money.amount >= 0, input);
        } else {
          assert.ok(result.error.length > 0, input);
        }
      }
    }
  });
});

describe('toDecimalString / formatMoney', () => {
  it('renders exact decimals in the currency precision', () => {
    assert.equal(toDecimalString({ amount: 1999, currency: 'USD' }), '19.99');
    assert.equal(toDecimalString({ amount: 5, currency: 'USD' }), '0.05');
    assert.equal(toDecimalString({ amount: 0, currency: 'USD' }), '0.00');
    assert.equal(toDecimalString({ amount: -1999, currency: 'USD' }), '-19.99');
    assert.equal(toDecimalString({ amount: 199, currency: 'JPY' }), '199');
    assert.equal(toDecimalString({ amount: 1, currency: 'KWD' }), '0.001');
    assert.equal(toDecimalString({ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }), '90071992547409.91');
    assert.throws(() => toDecimalString({ amount: 1.5, currency: 'USD' }), RangeError);
    assert.throws(() => toDecimalString({ amount: 1, currency: 'ABC' }), RangeError);
  });

  it('formats with the right decimals', () => {
    assert.equal(formatMoney({ amount: 1999, currency: 'USD' }), '$19.99');
    assert.equal(formatMoney({ amount: 199, currency: 'JPY' }), '¥199');
    assert.equal(formatMoney({ amount: 12345, currency: 'HUF' }), 'HUF\u00a0123.45');
    assert.equal(formatMoney({ amount: 1500, currency: 'KWD' }), 'KWD\u00a01.500');
    assert.equal(formatMoney({ amount: 123456, currency: 'EUR' }, 'de-DE'), '1.234,56\u00a0€');
    assert.equal(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }), '$90,071,992,547,409.91');
    assert.equal(formatMoney({ amount: 100, currency: 'USD' }, 'not a locale!'), '$1.00');
  });

  it('round-trips parse(toDecimalString(m)) for random amounts (property)', () => {
    const rand = prng(42);
    for (const currency of ['USD', 'JPY', 'KWD']) {
      const maxMinor = MAX_MAJOR_UNITS * 10 ** currencyExponent(currency);
      for (let n = 0; n < 3000; n++) {
        // Mix magnitudes so small amounts (leading zeros) are well covered.
        const amount = randInt(rand, 10 ** randInt(rand, 12)) % (maxMinor + 1);
        const money = { amount, currency };
        assert.equal(parsed(toDecimalString(money), currency), amount, `${amount} ${currency}`);
        assert.equal(parsed(formatMoney(money), currency), amount, formatMoney(money));
      }
    }
  });
});

describe('splitLargestRemainder', () => {
  it('splits with a deterministic lower-index tie-break', () => {
    assert.deepEqual(splitLargestRemainder(1000, [1, 1, 1]), [334, 333, 333]);
    assert.deepEqual(splitLargestRemainder(2, [1, 1, 1]), [1, 1, 0]);
    assert.deepEqual(splitLargestRemainder(100, [0.7, 0.2, 0.1]), [70, 20, 10]);
    assert.deepEqual(splitLargestRemainder(10, [0, 3, 0]), [0, 10, 0]);
    assert.deepEqual(splitLargestRemainder(0, [1, 2]), [0, 0]);
    assert.deepEqual(splitLargestRemainder(-1000, [1, 1, 1]), [-334, -333, -333]);
    assert.deepEqual(splitLargestRemainder(5, [1e-300, 1e300]), [0, 5]);
  });

  it('rejects bad input', () => {
    assert.throws(() => splitLargestRemainder(10.5, [1]), /total must be a safe integer/);
    assert.throws(() => splitLargestRemainder(NaN, [1]), /total/);
    assert.throws(() => splitLargestRemainder(2 ** 53, [1]), /total/);
    assert.throws(() => splitLargestRemainder(10, []), /non-empty/);
    assert.throws(() => splitLargestRemainder(10, [1, -1]), /weights\[1\]/);
    assert.throws(() => splitLargestRemainder(10, [1, NaN]), /weights\[1\]/);
    assert.throws(() => splitLargestRemainder(10, [Infinity]), /weights\[0\]/);
    assert.throws(() => splitLargestRemainder(10, [0, 0]), /at least one weight must be positive/);
  });

  it('sums to total and stays within 1 of each exact share (property)', () => {
    const rand = prng(1234);
    for (let n = 0; n < 5000; n++) {
      const magnitude = randInt(rand, 10 ** randInt(rand, 12));
      const total = rand() < 0.1 ? -magnitude || 0 : magnitude;
      const weights = Array.from({ length: 1 + randInt(rand, 9) }, () => {
        const r = rand();
        return r < 0.2 ? 0 : r < 0.6 ? randInt(rand, 100) : rand() * 1000;
      });
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      const parts = splitLargestRemainder(total, weights);
      const sumW = weights.reduce((a, b) => a + b, 0);
      assert.equal(parts.length, weights.length);
      assert.equal(parts.reduce((a, b) => a + b, 0), total, `${total} ${weights}`);
      parts.forEach((part, i) => {
        assert.ok(Number.isSafeInteger(part));
        const exact = (total * (weights[i] as number)) / sumW;
        assert.ok(Math.abs(part - exact) < 1 + Math.abs(total) * 1e-12, `${total} ${weights} → ${parts}`);
        if (weights[i] === 0) assert.equal(part, 0);
      });
      assert.deepEqual(splitLargestRemainder(total, weights), parts); // deterministic
    }
  });
});
