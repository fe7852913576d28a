// Finds phone-number-shaped runs of digits in raw text, whatever the separators
// (06 12 34 56 78, 06.12.34.56.78, +33 (0)6 12 34 56 78, 0033612345678…), in one pass.

export interface DigitRun {
  start: number;
  end: number;
  /** Digits of each group, as written. */
  groups: string[];
  plus: boolean;
}

const SEPARATORS = new Set([0x20, 0x2e, 0x2d, 0xa0, 0x202f, 0x2009]);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Every maximal run of digit groups joined by single separators (and an optional "(0)"). */
export function scanDigitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const plus = c === 0x2b && isDigit(text.charCodeAt(i + 1));
    if (!plus && !isDigit(c)) {
      i++;
      continue;
    }
    const start = i;
    let j = plus ? i + 1 : i;
    const groups: string[] = [];
    let digitCount = 0;
    for (;;) {
      const g = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      groups.push(text.slice(g, j));
      digitCount += j - g;
      if (digitCount > 20) break;
      let k = j;
      if (SEPARATORS.has(text.charCodeAt(k))) k++;
      // "+33 (0)6…": the trunk zero in brackets is dropped.
      if (text.charCodeAt(k) === 0x28 && text.charCodeAt(k + 1) === 0x30 && text.charCodeAt(k + 2) === 0x29) {
        k += 3;
        if (SEPARATORS.has(text.charCodeAt(k))) k++;
      }
      if (k > j && isDigit(text.charCodeAt(k))) {
        j = k;
        continue;
      }
      break;
    }
    runs.push({ start, end: j, groups, plus });
    i = j + 1;
  }
  return runs;
}

/** The international form without "+": 06… and 0033 6… and +33 6… all become 336…. */
export function canonicalPhone(digits: string, plus: boolean): string {
  let d = digits;
  if (!plus) {
    if (d.startsWith('00')) d = d.slice(2);
    else if (d.length === 10 && d[0] === '0') d = `33${d.slice(1)}`;
  }
  // "+33 06…" written with the trunk zero.
  if (d.length === 12 && d.startsWith('330')) d = `33${d.slice(3)}`;
  return d;
}

/** Canonical form of a configured phone number (any punctuation). */
export function canonicalConfiguredPhone(phone: string): string {
  const trimmed = phone.trim();
  return canonicalPhone(trimmed.replace(/\(0\)/g, '').replace(/\D+/g, ''), trimmed.startsWith('+'));
}

const FR_SHAPES = new Set(['10', '2-2-2-2-2', '2-1-2-2-2-2', '11', '2-9', '4-1-2-2-2-2', '13', '4-9']);
/** Words that say the number is not a phone (orders, references, invoices…). */
const NOT_A_PHONE_BEFORE =
  /(?:n°|n[o°]\.?|#|r[ée]f\.?|id|order|commande|facture|invoice|siret|siren|tracking|colis|iban|isbn|ticket|dossier)\s*[:.]?\s*$/i;

/**
 * Whether a run is written like a phone number: a French number in one of its usual layouts, or
 * an international number with "+". Prices, dates, times, years and reference numbers are not.
 */
export function looksLikePhone(text: string, run: DigitRun, groups: readonly string[] = run.groups): boolean {
  const digits = groups.join('');
  if (digits.length < 8 || digits.length > 15) return false;
  const before = text.charCodeAt(run.start - 1);
  if (run.start > 0 && /[\p{L}\p{N}#/€$£,.:_]/u.test(String.fromCharCode(before))) return false;
  // What follows the whole run: "12,50 €", "10:30", "3/4", "2024abc" are not phone numbers.
  if (groups === run.groups && /^[\p{L}€$£%/]|^[,.:]\d/u.test(text.slice(run.end, run.end + 2))) return false;
  if (NOT_A_PHONE_BEFORE.test(text.slice(Math.max(0, run.start - 14), run.start))) return false;
  const shape = groups.map((g) => g.length).join('-');
  const canon = canonicalPhone(digits, run.plus);
  if (canon.length === 11 && canon.startsWith('33') && canon[2] !== '0' && FR_SHAPES.has(shape)) {
    // National layouts must start with the trunk 0; international ones with 33 or 0033.
    if (!run.plus && shape !== '4-1-2-2-2-2' && shape !== '13' && shape !== '4-9') return digits[0] === '0';
    return true;
  }
  return run.plus && groups.every((g) => g.length <= 4 || groups.length === 1);
}
