/** Character tests and string helpers of the fast readers (table.ts, load.ts, the parallel range reader). */

/** Whether a character is printable ASCII other than space (so that `trim()` would keep it). */
export function solid(c: number): boolean {
  return c > 32 && c < 127;
}

/**
 * `text` as a string of its own: V8 makes a slice of 13 characters or more a view of the whole string it was
 * cut from, which would keep every piece of the file alive for the ids kept (a concatenation, then a slice of
 * it, copies).
 */
export function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** Whether `text` at `start` continues with exactly the characters of `id`. */
export function sameText(text: string, start: number, id: string): boolean {
  for (let i = 0; i < id.length; i++) if (text.charCodeAt(start + i) !== id.charCodeAt(i)) return false;
  return true;
}
