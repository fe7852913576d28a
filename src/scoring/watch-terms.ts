// A watch's own words: terms it adds, words it never flags, the watched person's names (a target
// wherever they appear), and the version suffix that makes `vigie rescore` follow their changes.
import { createHash } from 'node:crypto';
import { toVariant, type LexiconEntry, type Variant } from './lexicon.ts';
import { TermMatcher, type Hit } from './term-matcher.ts';
import type { WatchScoringOptions } from './types.ts';

export type Role = 'never' | 'name';

export interface WatchMatchers {
  extras: TermMatcher | null;
  special: TermMatcher | null;
  roles: Map<LexiconEntry, Role>;
  handles: string[];
}

function specialEntry(term: string): LexiconEntry {
  return {
    term,
    lang: 'fr',
    category: 'insult',
    severity: 1,
    needsTarget: false,
    mono: false,
    exact: true,
    group: false,
    meet: false,
    address: false,
    benign: false,
    callout: false,
  };
}

export function buildWatch(options: WatchScoringOptions): WatchMatchers {
  const extras: Variant[] = [];
  for (const t of options.extraTerms ?? []) {
    const entry: LexiconEntry = {
      term: t.term,
      lang: 'fr',
      category: t.category,
      severity: t.severity,
      needsTarget: false,
      mono: false,
      exact: false,
      group: false,
      meet: false,
      address: false,
      benign: false,
      callout: false,
    };
    const v = toVariant(t.term, entry);
    if (v) extras.push(v);
  }
  const special: Variant[] = [];
  const roles = new Map<LexiconEntry, Role>();
  const add = (term: string, role: Role): void => {
    const entry = specialEntry(term);
    const v = toVariant(term, entry);
    if (v) {
      special.push({ ...v, repeats: null });
      roles.set(entry, role);
    }
  };
  for (const t of options.neverFlag ?? []) add(t, 'never');
  for (const t of options.names ?? []) add(t, 'name');
  return {
    extras: extras.length > 0 ? new TermMatcher(extras) : null,
    special: special.length > 0 ? new TermMatcher(special, false) : null,
    roles,
    handles: (options.handles ?? [])
      .map((h) => h.replace(/^@/, '').toLowerCase())
      .filter((h) => h.length > 0),
  };
}

export function watchVersion(options: WatchScoringOptions, base: string): string {
  const parts = [
    ...(options.extraTerms ?? []).map((t) => `x:${t.term}\u0000${t.category}\u0000${t.severity}`).sort(),
    ...(options.neverFlag ?? []).map((t) => `n:${t}`).sort(),
    ...(options.names ?? []).map((t) => `p:${t}`).sort(),
    ...(options.handles ?? []).map((t) => `h:${t}`).sort(),
  ];
  if (parts.length === 0) return base;
  return `${base}.w${createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 8)}`;
}

/** A hit inside a never-flag term ("Jean Connard") does not count. */
export function insideNever(
  specials: readonly Hit[],
  roles: ReadonlyMap<LexiconEntry, Role>,
  h: Hit,
): boolean {
  for (const nv of specials)
    if (nv.s <= h.s && h.e <= nv.e && roles.get(nv.variant.entry) === 'never') return true;
  return false;
}
