import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from '../web/helpers.ts';
import { createDigestRepo } from '../../src/alerts/digest-repo.ts';

// A post a person marked hostile counts in the digest's figures like one the scorer flagged.

describe('digest figures with human labels', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => f.close());

  it('counts a post marked hostile by hand in the hostile total and under its category', async () => {
    const seen = Date.UTC(2026, 11, 1, 10);
    const userId = await f.addUser('proxy@example.org', 'proxy', ['alice']);
    await f.addPosts('alice', [{ text: 'idiote', level: 'high', categories: ['insult'] }], seen);
    const [missed] = await f.addPosts(
      'alice',
      [
        { text: 'devrait se suicider', level: 'none' },
        { text: 'bravo', level: 'none' },
      ],
      seen,
    );
    const digest = createDigestRepo(f.store);
    const from = seen - 3_600_000;
    const to = seen + 3_600_000;
    expect(await digest.totals('alice', from, to)).toEqual({ total: 3, hostile: 1 });
    await f.deps.triage.setLabel(missed!, 'suicide_incitement', { id: userId, email: 'proxy@example.org' });
    expect(await digest.totals('alice', from, to)).toEqual({ total: 3, hostile: 2 });
    expect(await digest.byCategory('alice', from, to)).toEqual([
      { category: 'insult', count: 1 },
      { category: 'suicide_incitement', count: 1 },
    ]);
    // The scorer's fields are not touched by the label.
    expect(f.db.$client.prepare('select level, hostile from posts where id = ?').get(missed)).toEqual({
      level: 'none',
      hostile: 0,
    });
  });
});
