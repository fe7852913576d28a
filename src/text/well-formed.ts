// Text from outside (post text, payloads, author names) can hold unpaired UTF-16 surrogates. Node
// hashes such a string as if each were U+FFFD (its UTF-8 encoder replaces them), but SQLite
// stores them as bytes it later reads back as several U+FFFD: the stored text no longer matches
// the hash recorded at capture. So text is made well-formed once, where it comes in, before it is
// hashed or stored: every lone surrogate becomes one U+FFFD, the same as the hash already saw.

const LONE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const HAS_LONE = new RegExp(LONE);
const ALL_LONE = new RegExp(LONE, 'g');

/** `s` with each unpaired surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
export function wellFormed(s: string): string {
  return HAS_LONE.test(s) ? s.replace(ALL_LONE, '\uFFFD') : s;
}

/** A copy of `value` with every string in it (keys included) made well-formed; other values kept. */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map((v) => wellFormedDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[wellFormed(k)] = wellFormedDeep(v);
    return out as T;
  }
  return value;
}
