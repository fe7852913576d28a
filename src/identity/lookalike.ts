// Does an account look like the watched person's? Compares an account's handle and display name
// with the person's names and handles: confusable skeletons (UTS #39), separators, added words
// ("_officiel", "real", ".fr", "2"), digit/letter swaps, reordered names and Damerau-Levenshtein
// distance. Pure functions: the targets are compiled once per watch, then each account costs
// a few string operations.
import type { WatchConfig } from '../config/schema.ts';
import { confusableParts, skeleton, unleet } from './confusables.ts';

export interface Account {
  handle: string | null;
  name: string | null;
}

export interface LookalikeVerdict {
  similarity: number;
  reason: string;
}

/** Words impersonators add around a name. Compared on skeletons, so written as skeletons would be. */
const AFFIXES = [
  'officiel',
  'officielle',
  'official',
  'offical',
  'off',
  'real',
  'the',
  'vrai',
  'vraie',
  'le',
  'la',
  'fr',
  'france',
  'bis',
  'backup',
  'new',
  'nouveau',
  'compte',
  'account',
  'pro',
  'tv',
  'media',
  'hq',
  'team',
  'bsky',
  'social',
  'iam',
  'its',
  'im',
  'auth',
  'verified',
  'verifie',
].map((w) => skeleton(w));
const AFFIX_RE = new RegExp(`^(?:${AFFIXES.join('|')}|\\d{1,4})+$`);
/** Platform suffixes that are not part of the chosen name. */
const HANDLE_DOMAINS = /\.(?:bsky\.social|bsky\.team)$/i;

interface Target {
  /** How the person's identifier reads in reasons. */
  label: string;
  kind: 'handle' | 'name';
  /** Skeleton with separators removed. */
  key: string;
  /** Skeleton tokens, for reordered names. */
  tokens: string[];
  lower: string;
}

export interface CompiledTargets {
  targets: Target[];
  /** The person's own accounts (lower-case handles, DIDs, ids): never flagged. */
  own: Set<string>;
}

/** "@Alice_M", "alice.bsky.social", "https://mastodon.social/@alice", "alice@mastodon.social" → comparable core. */
export function handleCore(handle: string): string {
  let h = handle.trim();
  const url = /^https?:\/\/[^/]+\/(?:profile\/)?@?([^/?#]+)/i.exec(h);
  if (url) h = url[1]!;
  h = h.replace(/^@/, '');
  const at = h.indexOf('@');
  if (at > 0) h = h.slice(0, at);
  return h.replace(HANDLE_DOMAINS, '').toLowerCase();
}

/** How an own account is compared: exactly, but without "@", case or a profile URL around it. */
function ownForm(h: string): string {
  const t = h.trim();
  const url = /^https?:\/\/([^/]+)\/(?:profile\/)?(@?)([^/?#]+)/i.exec(t);
  // https://instance/@alice is alice@instance; https://bsky.app/profile/alice.bsky.social is the handle.
  if (url) return (url[2] ? `${url[3]}@${url[1]}` : url[3]!).toLowerCase();
  return t.replace(/^@/, '').toLowerCase();
}

const keyOf = (s: string) => skeleton(s).replace(/[^\p{L}\p{N}]+/gu, '');
const tokensOf = (s: string) =>
  skeleton(s.replace(/([a-z])([A-Z])/g, '$1 $2'))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);

export function compileTargets(
  watch: Pick<WatchConfig, 'names' | 'ownAccounts' | 'x'> & { bluesky?: { handle?: string } | undefined },
): CompiledTargets {
  const handles = new Set<string>();
  const own = new Set<string>();
  for (const h of [watch.x?.handle, watch.bluesky?.handle, ...watch.ownAccounts]) {
    if (!h) continue;
    // Own accounts match exactly: "alice_m@evil.example" is not the person's "alice_m".
    own.add(ownForm(h));
    handles.add(handleCore(h));
  }
  const targets: Target[] = [];
  for (const h of handles) {
    if (keyOf(h).length >= 3)
      targets.push({ label: `handle ${h}`, kind: 'handle', key: keyOf(h), tokens: tokensOf(h), lower: h });
  }
  for (const n of watch.names) {
    if (keyOf(n).length >= 3)
      targets.push({
        label: `name ${n}`,
        kind: 'name',
        key: keyOf(n),
        tokens: tokensOf(n),
        lower: n.toLowerCase().trim(),
      });
  }
  return { targets, own };
}

/** Whether this account is one of the person's own. */
export function isOwnAccount(compiled: CompiledTargets, account: Account & { id?: string | null }): boolean {
  const ids = [account.id, account.handle].filter((v): v is string => !!v);
  return ids.some((v) => compiled.own.has(ownForm(v)));
}

/** Damerau-Levenshtein (optimal string alignment) distance, giving up beyond `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** One identifier of the account (its handle or its display name), prepared once for every target. */
interface Probe {
  value: string;
  what: 'handle' | 'name';
  core: string;
  lower: string;
  key: string;
}

function probe(value: string, what: 'handle' | 'name'): Probe {
  const core = what === 'handle' ? handleCore(value) : value;
  return { value, what, core, lower: core.toLowerCase().trim(), key: keyOf(core) };
}

/** One identifier of the account against one target. */
function compareOne(p: Probe, t: Target): LookalikeVerdict | null {
  const { value, what, lower, key } = p;
  if (key.length < 3) return null;
  // Cheap exit for the common case: nothing in common with this target.
  if (Math.abs(key.length - t.key.length) > 2 && !key.includes(t.key)) return null;
  const shown = `${what} "${value}" looks like the ${t.label}`;
  if (lower === t.lower) {
    // The same handle elsewhere, or an account bearing the person's exact name.
    // A short handle ("alice") is everybody's: alone it stays below the review threshold.
    if (what === 'handle')
      return { similarity: key.length >= 6 ? 0.97 : 0.72, reason: `${shown}: identical handle` };
    return { similarity: 0.75, reason: `${shown}: identical name` };
  }
  if (key === t.key) {
    const parts = confusableParts(value);
    if (parts.length > 0)
      return { similarity: 0.98, reason: `${shown}: confusable characters (${parts.join(', ')})` };
    const plain = value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    if (plain !== key && /[01|!]/.test(value))
      return { similarity: 0.95, reason: `${shown}: digits for letters` };
    return {
      similarity: what === 'handle' || t.kind === 'handle' ? 0.95 : 0.75,
      reason: `${shown}: same letters, other separators or case`,
    };
  }
  if (t.key.length >= 4) {
    const idx = key.indexOf(t.key);
    if (idx >= 0) {
      const extra = key.slice(0, idx) + '|' + key.slice(idx + t.key.length);
      const [pre = '', post = ''] = extra.split('|');
      if ((pre === '' || AFFIX_RE.test(pre)) && (post === '' || AFFIX_RE.test(post))) {
        return { similarity: 0.9, reason: `${shown}: words or digits added (${addedPart(value, what, t)})` };
      }
    }
    if (unleet(key) === unleet(t.key)) return { similarity: 0.93, reason: `${shown}: digits for letters` };
  }
  const tokens = t.tokens.length >= 2 && Math.abs(key.length - t.key.length) <= 2 ? tokensOf(p.core) : [];
  if (
    t.tokens.length >= 2 &&
    tokens.length === t.tokens.length &&
    [...tokens].sort().join(' ') === [...t.tokens].sort().join(' ')
  ) {
    return { similarity: 0.85, reason: `${shown}: reordered name` };
  }
  // Short names are one letter away from many words: only longer ones are compared by distance.
  if (t.key.length >= 6) {
    const allowed = t.key.length >= 10 ? 2 : 1;
    const d = editDistance(key, t.key, allowed);
    if (d <= allowed) {
      const sim = 1 - d / Math.max(key.length, t.key.length);
      return {
        similarity: Math.round(sim * 0.95 * 100) / 100,
        reason: `${shown}: ${d} character${d > 1 ? 's' : ''} apart`,
      };
    }
  }
  return null;
}

/** What surrounds the person's identifier in `value`, as written (for reviewers). */
function addedPart(value: string, what: 'handle' | 'name', t: Target): string {
  const plain = (what === 'handle' ? handleCore(value) : value)
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\p{M}]+/gu, '');
  const tPlain = t.lower.normalize('NFD').replace(/[\p{M}]+/gu, '');
  const squash = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, '');
  const at = squash(plain).indexOf(squash(tPlain));
  if (at < 0) return 'around the name';
  const rest = squash(plain);
  return [rest.slice(0, at), rest.slice(at + squash(tPlain).length)].filter(Boolean).join(' … ');
}

/** The strongest resemblance of the account to the person, or null when it does not look alike. */
export function compareAccount(
  compiled: CompiledTargets,
  account: Account & { id?: string | null },
): LookalikeVerdict | null {
  if (isOwnAccount(compiled, account)) return null;
  let best: LookalikeVerdict | null = null;
  const fields = new Set<'handle' | 'name'>();
  const probes = [
    account.handle ? probe(account.handle, 'handle') : null,
    account.name ? probe(account.name, 'name') : null,
  ];
  for (const t of compiled.targets) {
    for (const p of probes) {
      if (!p) continue;
      const v = compareOne(p, t);
      if (!v) continue;
      fields.add(p.what);
      if (!best || v.similarity > best.similarity) best = v;
    }
  }
  // Handle and name both imitating the person is stronger than either alone.
  if (best && fields.size === 2)
    best = { similarity: Math.min(1, Math.round((best.similarity + 0.05) * 100) / 100), reason: best.reason };
  return best;
}

/** From this similarity on, a new candidate alerts the proxies at once. */
export const LIKELY_SIMILARITY = 0.9;
