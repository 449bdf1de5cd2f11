// Number literals: where a number such as `12`, `0.5` or `1.5E-3` ends, and its value. The lexer
// uses these to scan number, duration and money tokens, and the expression parser to read a
// literal's value from the text, so both agree on one definition of a number. Both run per number
// token, so they scan with charCodeAt and allocate nothing.

/** True for `[0-9]`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether the last scanNumberEnd call saw neither a fraction nor an exponent. */
export let scannedInteger = true;

/**
 * Returns the end of the longest valid number (`12`, `0.5`, `1e6`, `1.5E-3`) starting at `i`,
 * which must be a digit. A module variable reports whether it was an integer, so this hot helper
 * allocates nothing.
 */
export function scanNumberEnd(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  scannedInteger = true;
  if (j + 1 < end && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    scannedInteger = false;
    j += 2;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (j < end && (e === 101 || e === 69)) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (k < end && isDigit(text.charCodeAt(k))) {
      scannedInteger = false;
      j = k + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
  }
  return j;
}

/** The value of the valid number starting at `i` (see scanNumberEnd); 0 when there is none. */
export function numberValue(text: string, i: number, end: number): number {
  // Small integers are the common case; accumulating digits avoids slicing a string.
  let v = 0;
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    j++;
  }
  if (j === i) return 0;
  const numEnd = scanNumberEnd(text, i, end);
  if (numEnd === j && j - i <= 15) return v;
  return Number(text.slice(i, numEnd));
}
