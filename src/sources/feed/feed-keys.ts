import { createHash } from 'node:crypto';
import type { ParsedFeedItem } from './feed-parse.ts';

// The key a feed item is stored under (posts are unique on watch × platform × key).
// - An id that is a URI or URN (`tag:…`, `urn:…`, `https://…`) names the item everywhere: it is
//   the key as it is, so the same item in two feeds of a watch is stored once.
// - Any other id (`<guid isPermaLink="false">1</guid>`) only means something inside its feed:
//   it is keyed on the feed and the id, so two feeds numbering items 1, 2, 3 do not collide.
// - No id: the link.
// - Neither (both optional in RSS 2.0): the feed and a hash of the item's content.
// Migration 0012 rewrites the keys of items stored before this rule the same way.

const GLOBAL_ID = /^[A-Za-z][A-Za-z0-9+.-]*:./;

export function feedItemKey(item: ParsedFeedItem, feedUrl: string): string {
  if (item.id !== null) return GLOBAL_ID.test(item.id) ? item.id : `${feedUrl}#id:${item.id}`;
  if (item.link !== null) return item.link;
  const content = JSON.stringify([item.title, item.body, item.publishedAt, item.authorName, item.lang]);
  return `${feedUrl}#sha256:${createHash('sha256').update(content, 'utf8').digest('hex')}`;
}
