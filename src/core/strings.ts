/**
 * Strings kept for the whole run (ids, attribute values) are copied out of the text they were cut from.
 *
 * Why: V8 makes a substring of 13 or more characters a "sliced string" that points into its parent, and the
 * parent here is a decoded read chunk of a megabyte or more. One long invoice id kept from each chunk keeps
 * every chunk of the file alive: measured on 448,319 payment rows, the invoice ids took 75 MB instead of 15.
 */

/**
 * A copy of `s` that does not keep the string it was sliced from alive (short strings are copies already).
 *
 * @example
 * own(chunk.slice(100, 120)) // => the same 20 characters, without the chunk
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
