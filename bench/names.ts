/**
 * The n-th distinct user name under `prefix`: letters only and of one length, so every
 * posted body is new (POST /user answers 409 for a name that exists) and equally long.
 */
export function nthName(prefix: string, n: number): string {
  let letters = "";
  for (let i = 0; i < 7; i++) {
    letters = String.fromCharCode(97 + (n % 26)) + letters;
    n = Math.floor(n / 26);
  }
  return prefix + letters;
}
