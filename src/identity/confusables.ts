// A compact subset of Unicode's confusables (UTS #39) for what matters to Latin-script names:
// Cyrillic, Greek and Latin look-alikes, plus the multi-letter tricks (rn → m, vv → w). Fullwidth
// letters, mathematical alphanumerics, circled and superscript letters need no table: NFKC folds
// them to ASCII first.

/** Look-alike → the Latin letter it imitates (applied before lower-casing). */
const SINGLE: Record<string, string> = {
  // Cyrillic
  а: 'a',
  А: 'a',
  в: 'b',
  В: 'b',
  б: '6',
  е: 'e',
  Е: 'e',
  ё: 'e',
  Ё: 'e',
  к: 'k',
  К: 'k',
  м: 'm',
  М: 'm',
  н: 'h',
  Н: 'h',
  о: 'o',
  О: 'o',
  р: 'p',
  Р: 'p',
  с: 'c',
  С: 'c',
  т: 't',
  Т: 't',
  у: 'y',
  У: 'y',
  х: 'x',
  Х: 'x',
  ѕ: 's',
  Ѕ: 's',
  і: 'i',
  І: 'i',
  ї: 'i',
  Ї: 'i',
  ј: 'j',
  Ј: 'j',
  ԁ: 'd',
  һ: 'h',
  Һ: 'h',
  ӏ: 'l',
  Ӏ: 'l',
  ԛ: 'q',
  Ԛ: 'q',
  ԝ: 'w',
  Ԝ: 'w',
  ь: 'b',
  Ь: 'b',
  ү: 'y',
  Ү: 'y',
  ѵ: 'v',
  Ѵ: 'v',
  ɡ: 'g',
  п: 'n',
  г: 'r',
  з: '3',
  З: '3',
  ч: '4',
  Ъ: 'b',
  ш: 'w',
  Ш: 'w',
  // Greek
  α: 'a',
  Α: 'a',
  β: 'b',
  Β: 'b',
  γ: 'y',
  ε: 'e',
  Ε: 'e',
  ζ: 'z',
  Ζ: 'z',
  η: 'n',
  Η: 'h',
  ι: 'i',
  Ι: 'i',
  κ: 'k',
  Κ: 'k',
  μ: 'u',
  Μ: 'm',
  ν: 'v',
  Ν: 'n',
  ο: 'o',
  Ο: 'o',
  ρ: 'p',
  Ρ: 'p',
  τ: 't',
  Τ: 't',
  υ: 'u',
  Υ: 'y',
  χ: 'x',
  Χ: 'x',
  ω: 'w',
  ϲ: 'c',
  Ϲ: 'c',
  ϳ: 'j',
  ς: 's',
  // Latin look-alikes that NFKC keeps
  ı: 'i',
  ɩ: 'i',
  ɪ: 'i',
  ʟ: 'l',
  ɑ: 'a',
  ƅ: 'b',
  ɔ: 'c',
  ȷ: 'j',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ɛ: 'e',
  ʀ: 'r',
  ꜱ: 's',
  ᴠ: 'v',
  ᴡ: 'w',
  ᴢ: 'z',
  ᴏ: 'o',
  ᴄ: 'c',
  ᴜ: 'u',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ĸ: 'k',
  ŀ: 'l',
  ǀ: 'l',
  ǃ: 'l',
  // Digits and symbols that read as letters (UTS #39 folds 1, I, l and | together)
  '0': 'o',
  '1': 'l',
  '|': 'l',
  i: 'l',
  I: 'l',
  '!': 'l',
};

/** Letter pairs that read as one letter at a glance. */
const MULTI: [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
];

/** Characters that render as nothing or as a separator: removed before comparing. */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]/g;
const MARKS = /\p{M}+/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * The skeleton of `s`: two strings that look alike have the same skeleton ("аlice" with a
 * Cyrillic а, "ａｌｉｃｅ", "𝐚𝐥𝐢𝐜𝐞", "alıce" all give "allce").
 */
export function skeleton(s: string): string {
  // Most handles are plain ASCII: the Unicode normalisations can be skipped for them.
  const base = ASCII_ONLY.test(s)
    ? s
    : s.replace(INVISIBLE, '').normalize('NFKC').normalize('NFD').replace(MARKS, '');
  let out = '';
  for (const ch of base) {
    // Two steps: ı → i → l, Ι (Greek capital) → i → l.
    const mapped = SINGLE[ch] ?? ch.toLowerCase();
    out += SINGLE[mapped] ?? mapped;
  }
  for (const [re, rep] of MULTI) out = out.replace(re, rep);
  return out;
}

/** Digit and symbol swaps people use to dodge filters and to fake names (4l1c3 → alice). */
const LEET: Record<string, string> = {
  '4': 'a',
  '@': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  '5': 's',
  $: 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '6': 'g',
  '2': 'z',
};

export function unleet(s: string): string {
  let out = '';
  for (const ch of s) out += LEET[ch] ?? ch;
  return out;
}

/** Which characters of `s` were folded by the confusables table, for the reason shown to reviewers. */
export function confusableParts(s: string): string[] {
  const parts = new Set<string>();
  const base = s.normalize('NFD').replace(MARKS, '');
  for (const ch of base) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7f) {
      const nf = ch.normalize('NFKC');
      const target = SINGLE[nf] ?? (/^[\x20-\x7e]+$/.test(nf) ? nf.toLowerCase() : undefined);
      if (target !== undefined) parts.add(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}→${target}`);
    }
  }
  const lower = base.toLowerCase();
  for (const [re, rep] of MULTI) if (new RegExp(re.source).test(lower)) parts.add(`${re.source}→${rep}`);
  return [...parts];
}
