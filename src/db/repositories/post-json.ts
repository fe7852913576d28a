import type { PostRow } from './posts-repo.ts';

/** Epoch ms as an ISO date; null stays null. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/**
 * The part of a stored post that every JSON export shows the same way (`vigie mentions --format
 * jsonl`, the dossier's posts.jsonl): where it is, who wrote it, its text and its dates.
 */
export function postJsonCore(
  p: Pick<
    PostRow,
    | 'platform'
    | 'externalId'
    | 'url'
    | 'authorHandle'
    | 'authorName'
    | 'text'
    | 'lang'
    | 'createdAt'
    | 'firstSeenAt'
  >,
) {
  return {
    platform: p.platform,
    externalId: p.externalId,
    url: p.url,
    author: { handle: p.authorHandle, name: p.authorName },
    text: p.text,
    lang: p.lang,
    createdAt: isoOrNull(p.createdAt),
    firstSeenAt: new Date(p.firstSeenAt).toISOString(),
  };
}
