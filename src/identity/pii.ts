// Doxxing detection: does a post publish the watched person's private information (their phone,
// e-mail, address, workplace, relatives), or any phone number or street address next to their
// name? Needles are folded and expanded once per watch; each post is folded once and scanned
// once for digit runs, so the check costs a few microseconds.
import type { Match, ScoreResult } from '../scoring/index.ts';
import { foldPhrase, foldText, originalSpan, type FoldedText } from './pii-fold.ts';
import { canonicalConfiguredPhone, canonicalPhone, looksLikePhone, scanDigitRuns } from './phone-scan.ts';

export interface PrivateInfo {
  phones: string[];
  emails: string[];
  addresses: string[];
  workplaces: string[];
  relatives: string[];
}

/** What was found; never the private value itself. `published_*`: any phone / address next to the name. */
export type PiiKind =
  'phone' | 'email' | 'address' | 'workplace' | 'relative' | 'published_phone' | 'published_address';

export interface PiiHit {
  kind: PiiKind;
  start: number;
  end: number;
}

export interface PiiGuard {
  check(text: string): PiiHit[];
}

export function hasPrivateInfo(info: Partial<PrivateInfo> | null | undefined): info is PrivateInfo {
  return !!info && Object.values(info).some((v) => Array.isArray(v) && v.length > 0);
}

/** Street words and their usual abbreviations; any of a group matches any other. */
const STREET_WORDS: string[][] = [
  ['rue', 'r'],
  ['boulevard', 'bd', 'bld', 'blvd', 'boul', 'bvd'],
  ['avenue', 'av', 'ave', 'avn'],
  ['place', 'pl'],
  ['chemin', 'ch', 'chem'],
  ['allee', 'all', 'al'],
  ['impasse', 'imp'],
  ['route', 'rte'],
  ['quai', 'qu'],
  ['square', 'sq'],
  ['faubourg', 'fg', 'fbg'],
  ['cours', 'crs'],
  ['passage', 'pass'],
  ['residence', 'res'],
  ['saint', 'st'],
  ['sainte', 'ste'],
  ['street', 'st'],
  ['road', 'rd'],
  ['lane', 'ln'],
  ['drive', 'dr'],
];
const ALTERNATIVES = new Map<string, Set<string>>();
for (const group of STREET_WORDS)
  for (const w of group) {
    const set = ALTERNATIVES.get(w) ?? new Set<string>();
    for (const alt of group) set.add(alt);
    ALTERNATIVES.set(w, set);
  }
const STREET_TYPE =
  '(?:rue|r|boulevard|bd|bld|blvd|boul|bvd|avenue|av|ave|place|pl|chemin|ch|allee|impasse|imp|route|rte|quai|square|faubourg|fbg|cours|passage|residence|lotissement|street|st|road|rd|lane|drive)';
/** "12 bis rue des Lilas", "3 av. Foch", "221 Baker Street" in folded text. */
const ANY_ADDRESS = new RegExp(
  ` (\\d{1,4})(?: (?:bis|ter|[a-d]))? (?:${STREET_TYPE} [a-z][a-z0-9]*|(?:[a-z]+ ){1,3}(?:street|road|avenue|lane|drive)) `,
  'g',
);

interface Needle {
  kind: PiiKind;
  /** Padded with spaces: whole words only. */
  text: string;
  /** When set, the needle only counts if one of these (padded) is also in the post. */
  requiresAny?: string[];
}

const MAX_VARIANTS = 64;

/** Every spelling of `tokens` where street words are swapped for their abbreviations. */
function streetVariants(tokens: string[]): string[] {
  let variants: string[][] = [[]];
  for (const t of tokens) {
    const alts = ALTERNATIVES.get(t);
    const choices = alts ? [...alts] : [t];
    const next: string[][] = [];
    for (const v of variants) for (const c of choices) if (next.length < MAX_VARIANTS) next.push([...v, c]);
    variants = next;
  }
  return variants.map((v) => v.join(' '));
}

const pad = (s: string) => ` ${s} `;

function addressNeedles(address: string): Needle[] {
  const parts = address
    .split(',')
    .map((p) => foldPhrase(p))
    .filter((p) => p !== '');
  const street = parts[0];
  if (!street) return [];
  const needles: Needle[] = streetVariants(street.split(' ')).map((v) => ({
    kind: 'address' as const,
    text: pad(v),
  }));
  // Without its number the street alone is common; it counts together with the postcode or town.
  const rest = parts.slice(1).join(' ');
  const withoutNumber = street.replace(/^\d+(?: (?:bis|ter|[a-d]))? /, '');
  if (withoutNumber !== street && withoutNumber.includes(' ') && rest) {
    const context = [...rest.matchAll(/\b\d{5}\b/g)].map((m) => pad(m[0]));
    const town = rest
      .replace(/\b\d{4,5}\b/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (town.length >= 3) context.push(pad(town));
    if (context.length > 0) {
      for (const v of streetVariants(withoutNumber.split(' ')))
        needles.push({ kind: 'address', text: pad(v), requiresAny: context });
    }
  }
  return needles;
}

function emailNeedles(email: string): Needle[] {
  const at = email.lastIndexOf('@');
  if (at <= 0) return [];
  const local = foldPhrase(email.slice(0, at));
  const domainParts = email
    .slice(at + 1)
    .split('.')
    .map((p) => foldPhrase(p))
    .filter((p) => p !== '');
  if (!local || domainParts.length === 0) return [];
  const out: Needle[] = [];
  // "name@domain.fr", "name [at] domain [dot] fr", "name(at)domain.fr", "name arobase domain point fr"…
  for (const atWord of ['', 'at ', 'arobase ', 'chez ']) {
    for (const dotWord of ['', 'dot ', 'point ']) {
      out.push({ kind: 'email', text: pad(`${local} ${atWord}${domainParts.join(` ${dotWord}`)}`) });
    }
  }
  return out;
}

function phraseNeedles(kind: PiiKind, phrase: string, reorder: boolean): Needle[] {
  const folded = foldPhrase(phrase);
  if (folded.length < 2) return [];
  const out: Needle[] = [{ kind, text: pad(folded) }];
  const words = folded.split(' ');
  if (reorder && words.length === 2) out.push({ kind, text: pad(`${words[1]} ${words[0]}`) });
  return out;
}

export interface PiiGuardOptions {
  /** The person's names and handles: generic detection looks for phones and addresses next to them. */
  names: readonly string[];
}

export function compilePiiGuard(info: PrivateInfo | null, options: PiiGuardOptions): PiiGuard {
  const needles: Needle[] = [];
  const phones = new Set<string>();
  if (info) {
    for (const p of info.phones) {
      const canon = canonicalConfiguredPhone(p);
      if (canon.length >= 6) phones.add(canon);
    }
    for (const e of info.emails) needles.push(...emailNeedles(e));
    for (const a of info.addresses) needles.push(...addressNeedles(a));
    for (const w of info.workplaces) needles.push(...phraseNeedles('workplace', w, false));
    for (const r of info.relatives) needles.push(...phraseNeedles('relative', r, true));
  }
  const nameNeedles = [...new Set(options.names.map((n) => foldPhrase(n)).filter((n) => n.length >= 3))].map(
    pad,
  );
  const uniqueNeedles = [...new Map(needles.map((n) => [`${n.kind}\u0000${n.text}`, n])).values()];
  // One pass over the folded post: at each word start, only the needles beginning with the same
  // two characters are compared, whatever their number.
  const byStart = new Map<number, { needle: Needle | null; text: string }[]>();
  for (const entry of [
    ...uniqueNeedles.map((n) => ({ needle: n as Needle | null, text: n.text })),
    ...nameNeedles.map((text) => ({ needle: null, text })),
  ]) {
    const key = startKey(entry.text, 0);
    const list = byStart.get(key) ?? [];
    list.push(entry);
    byStart.set(key, list);
  }

  return {
    check(text: string): PiiHit[] {
      const hits: PiiHit[] = [];
      let folded: FoldedText | undefined;
      let nameNearby = false;
      if (byStart.size > 0) {
        const f = (folded = foldText(text, false));
        const t = f.text;
        // Offsets are only needed for hits: the fold with its origin map is made on the first one.
        let mapped: FoldedText | undefined;
        const span = (start: number, end: number) => originalSpan((mapped ??= foldText(text)), start, end);
        for (let i = t.indexOf(' '); i >= 0 && i < t.length - 1; i = t.indexOf(' ', i + 1)) {
          const candidates = byStart.get(startKey(t, i));
          if (!candidates) continue;
          for (const c of candidates) {
            if (!t.startsWith(c.text, i)) continue;
            if (!c.needle) nameNearby = true;
            else if (!c.needle.requiresAny || c.needle.requiresAny.some((ctx) => t.includes(ctx))) {
              hits.push({ kind: c.needle.kind, ...span(i + 1, i + c.text.length - 1) });
            }
          }
        }
      }
      if (phones.size > 0 || nameNearby) {
        for (const run of scanDigitRuns(text)) {
          if (run.groups.reduce((s, g) => s + g.length, 0) < 8) continue;
          if (phones.size > 0 && matchesPrivatePhone(run.groups, run.plus, phones)) {
            hits.push({ kind: 'phone', start: run.start, end: run.end });
          } else if (nameNearby && publishesPhone(text, run)) {
            hits.push({ kind: 'published_phone', start: run.start, end: run.end });
          }
        }
      }
      if (nameNearby && folded && !hits.some((h) => h.kind === 'address')) {
        let mapped: FoldedText | undefined;
        for (const m of folded.text.matchAll(ANY_ADDRESS)) {
          hits.push({
            kind: 'published_address',
            ...originalSpan((mapped ??= foldText(text)), m.index + 1, m.index + m[0].length - 1),
          });
        }
      }
      return dedupe(hits);
    },
  };
}

/** The space before a word and its first two characters, as one number. */
function startKey(text: string, at: number): number {
  return ((text.charCodeAt(at + 1) || 0) << 16) | (text.charCodeAt(at + 2) || 0);
}

/** Any contiguous groups of the run spelling a private number ("appelle le 06 12 34 56 78 2 fois"). */
function matchesPrivatePhone(groups: readonly string[], plus: boolean, phones: ReadonlySet<string>): boolean {
  for (let a = 0; a < groups.length; a++) {
    let digits = '';
    for (let b = a; b < groups.length; b++) {
      digits += groups[b];
      if (digits.length < 8) continue;
      if (digits.length > 15) break;
      if (phones.has(canonicalPhone(digits, plus && a === 0)) || phones.has(digits)) return true;
    }
  }
  return false;
}

function publishesPhone(text: string, run: ReturnType<typeof scanDigitRuns>[number]): boolean {
  if (looksLikePhone(text, run)) return true;
  // The number followed by unrelated digits: try the leading groups alone.
  for (let k = run.groups.length - 1; k >= 1; k--)
    if (looksLikePhone(text, run, run.groups.slice(0, k))) return true;
  return false;
}

function dedupe(hits: PiiHit[]): PiiHit[] {
  if (hits.length < 2) return hits;
  const seen = new Set<string>();
  return hits
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .filter((h) => {
      const key = `${h.kind}:${h.start}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * A score with the doxxing hits added: category `doxxing`, level `severe`, hostile. The match
 * terms are the kinds (`phone`, `address`…), never the private values.
 */
export function withPiiHits(score: ScoreResult, hits: readonly PiiHit[] | undefined): ScoreResult {
  if (!hits || hits.length === 0) return score;
  const matches: Match[] = [
    ...score.matches,
    ...hits.map((h) => ({
      term: h.kind,
      category: 'doxxing' as const,
      severity: 3 as const,
      start: h.start,
      end: h.end,
    })),
  ];
  return {
    ...score,
    score: Math.max(score.score, 100),
    level: 'severe',
    hostile: true,
    categories: score.categories.includes('doxxing') ? score.categories : [...score.categories, 'doxxing'],
    matches,
  };
}
