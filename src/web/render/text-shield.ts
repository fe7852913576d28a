import { maskMatches, type Match } from '../../scoring/index.ts';
import type { Role } from '../auth/users-repo.ts';

// The one decision on how a post's text reaches a reader of the dashboard or the API. Every page
// and answer that carries post text asks it, so the owner's protection is a policy, not a check
// each template remembers.
//
// - The owner (the protected person) under the default `review` shield reads no text at all
//   unless a proxy marked the post harmless or the owner revealed it (audited): a scorer miss
//   ("none") is withheld like any other post.
// - Under the `scorer` shield (a watch whose owner has no proxies chose it) the owner reads what
//   the scorer found harmless; what it flagged is withheld until revealed.
// - Proxies and reviewers read harmless-scored text, and flagged text masked and blurred until
//   they reveal it.

/** How a watch shields its owner: `review` (default) or `scorer`. */
export type OwnerShield = 'review' | 'scorer';

/** `clear`: the text; `masked`: matched words starred, blurred; `withheld`: no text at all. */
export type TextVisibility = 'clear' | 'masked' | 'withheld';

/** The review status a proxy sets to let the owner read a post. */
export const HARMLESS = 'harmless';

export interface ShieldablePost {
  hostile: boolean;
  categories: readonly string[];
  status: string | null;
  /** A person marked the post hostile by hand (a scorer miss): shielded like a flagged post. */
  label?: string | null;
}

/** The scorer flagged the post (hostile, or any category such as doxxing), or a person did. */
export function scorerFlagged(post: Pick<ShieldablePost, 'hostile' | 'categories' | 'label'>): boolean {
  return post.hostile || post.categories.length > 0 || !!post.label;
}

export function textVisibility(
  role: Role,
  post: ShieldablePost,
  options: { revealed: boolean; ownerShield: OwnerShield | undefined },
): TextVisibility {
  if (options.revealed) return 'clear';
  if (role === 'owner') {
    if ((options.ownerShield ?? 'review') === 'review')
      return post.status === HARMLESS ? 'clear' : 'withheld';
    return scorerFlagged(post) ? 'withheld' : 'clear';
  }
  return scorerFlagged(post) ? 'masked' : 'clear';
}

/** Whether the reader must reveal the post to read it (and may: the reveal button). */
export function needsReveal(visibility: TextVisibility): boolean {
  return visibility !== 'clear';
}

interface TextRow {
  text: string;
  matches: unknown;
}

/**
 * The row as the reader may receive it: `text` is emptied (and `matches` dropped) unless clear, so
 * a template or a JSON answer cannot leak it by mistake; `masked` carries the starred text for
 * proxies, null otherwise.
 */
export function shieldText<T extends TextRow>(
  row: T,
  visibility: TextVisibility,
): T & { visibility: TextVisibility; shielded: boolean; masked: string | null } {
  if (visibility === 'clear') return { ...row, visibility, shielded: false, masked: null };
  const masked = visibility === 'masked' ? maskMatches(row.text, row.matches as Match[]) : null;
  return { ...row, text: '', matches: [], visibility, shielded: true, masked };
}
