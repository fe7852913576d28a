// Coded hate that the word stream cannot see, because the normaliser drops symbols and emoji:
// the antisemitic "echo" around a name ("(((journalist)))") and monkey emoji with a banana, or
// alone, sent to a person (the racist abuse Black footballers get under every post).
import type { Match } from './types.ts';

const ECHO = /\({3}[^()\n]{1,60}\){3}/u;
const APES = /[\u{1F412}\u{1F435}\u{1F98D}\u{1F9A7}]/gu; // 🐒 🐵 🦍 🦧
const BANANA = '\u{1F34C}'; // 🍌

/** Monkey emoji: the pre-filter and the normaliser flag texts holding one (Stream.hasCodedSign). */
export function isCodedHateSign(cp: number): boolean {
  return cp === 0x1f412 || cp === 0x1f435 || cp === 0x1f98d || cp === 0x1f9a7;
}

/**
 * Coded hate signs in `text`, as matches on the original text. Monkey emoji count with a banana,
 * or when the post has no words of its own (`wordless`): "zoo trip today 🐒🦍" is not abuse.
 */
export function codedHateSigns(text: string, wordless: boolean): Match[] {
  const out: Match[] = [];
  const echo = ECHO.exec(text);
  if (echo !== null) {
    out.push({
      term: '(((…)))',
      category: 'hate',
      severity: 3,
      start: echo.index,
      end: echo.index + echo[0].length,
    });
  }
  APES.lastIndex = 0;
  const ape = APES.exec(text);
  if (ape !== null && (wordless || text.includes(BANANA))) {
    out.push({
      term: ape[0],
      category: 'hate',
      severity: 2,
      start: ape.index,
      end: ape.index + ape[0].length,
    });
  }
  return out;
}
