import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TriageFilter } from '../../src/web/triage-repo.ts';
import { makeFixture, type Fixture } from './helpers.ts';

// Keyset pages of the triage list, with and without a search: every matching post once, newest
// first (worst first: level, then newest), whichever store the dashboard runs on.

describe('triage pages', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  /** Every page of a listing, following the cursors, as the ids in the order shown. */
  async function walk(filter: Omit<TriageFilter, 'watchId' | 'limit' | 'cursor'>, limit = 2) {
    const ids: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await f.deps.triage.list({ watchId: 'alice', limit, ...filter, cursor });
      expect(page.rows.length).toBeLessThanOrEqual(limit);
      ids.push(...page.rows.map((r) => r.id));
      if (!page.next) return ids;
      cursor = page.next;
    }
    throw new Error('the cursors never ended');
  }

  it('a search pages through every match once, newest first, and only the watch’s posts', async () => {
    const levels = ['none', 'high', 'low', 'severe', 'medium', 'high', 'none'];
    const ids = await f.addPosts(
      'alice',
      levels.map((level, i) => ({ text: `Alice tempête numéro ${i}`, level })),
    );
    const others = await f.addPosts('alice', [{ text: 'Alice au soleil', level: 'high' }]);
    await f.addPosts('bob', [{ text: 'Bob tempête', level: 'high' }]);
    const newestFirst = [...ids].sort((a, b) => b - a);

    expect(await walk({ sort: 'newest', q: 'tempête' })).toEqual(newestFirst);
    // Another form of the word finds the same posts; a word in every post finds them all.
    expect(await walk({ sort: 'newest', q: 'tempêtes' }, 3)).toEqual(newestFirst);
    expect(await walk({ sort: 'newest', q: 'alice' }, 3)).toEqual([...others, ...newestFirst]);
    // Search and level together: "at least high".
    const atLeastHigh = newestFirst.filter((id) => ['high', 'severe'].includes(levels[ids.indexOf(id)]!));
    expect(await walk({ sort: 'newest', q: 'tempête', level: 'high' })).toEqual(atLeastHigh);
    // Worst first: by level, then newest within a level.
    const rank = ['none', 'low', 'medium', 'high', 'severe'];
    const worst = [...ids].sort(
      (a, b) => rank.indexOf(levels[ids.indexOf(b)]!) - rank.indexOf(levels[ids.indexOf(a)]!) || b - a,
    );
    expect(await walk({ sort: 'worst', q: 'tempête' })).toEqual(worst);
    expect(await walk({ sort: 'newest', q: 'ouragan' })).toEqual([]);
  });

  it('without a search, pages cover the watch newest first, and a cursor resumes after its row', async () => {
    const ids = await f.addPosts(
      'alice',
      Array.from({ length: 5 }, (_, i) => ({ text: `Alice ${i}`, level: 'low' })),
    );
    const newestFirst = [...ids].sort((a, b) => b - a);
    expect(await walk({ sort: 'newest' })).toEqual(newestFirst);
    const first = await f.deps.triage.list({ watchId: 'alice', sort: 'newest', limit: 2, q: 'alice' });
    expect(first.rows.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
    const second = await f.deps.triage.list({
      watchId: 'alice',
      sort: 'newest',
      limit: 2,
      q: 'alice',
      cursor: first.next!,
    });
    expect(second.rows.map((r) => r.id)).toEqual(newestFirst.slice(2, 4));
  });
});
