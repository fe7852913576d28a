import path from 'node:path';
import { afterEach } from 'vitest';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

/** What a round trip needs of a post: whatever text, payload and author name came in. */
export interface PostText {
  text: string;
  raw: string;
  author: string;
}

/**
 * Stores the posts in a fresh store (the caller closes it), exports alice's dossier and verifies
 * it: what the dossier checks is the whole way from what came in to what a court receives.
 */
export async function exportAndVerify(
  texts: PostText[],
): Promise<{ store: TestStore; file: string; verdict: Awaited<ReturnType<typeof verifyDossier>> }> {
  const store = await makeStore();
  await storePosts(
    store,
    texts.map((t, i) => ({ externalId: `p${i}`, text: t.text, raw: t.raw, author: t.author, level: 'high' })),
  );
  const file = path.join(store.dir, 'dossier.zip');
  await writeDossier(store, { watchId: 'alice', actor: 'test' }, file);
  return { store, file, verdict: await verifyDossier(file) };
}

/**
 * For a test file: exportAndVerify() that keeps one store open at a time (the last round trip's,
 * for the test to look into) and closes it after each test.
 */
export function roundTrips(): {
  exportAndVerify(texts: PostText[]): ReturnType<typeof exportAndVerify>;
  /** The last round trip's store. */
  readonly store: TestStore | undefined;
} {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return {
    async exportAndVerify(texts) {
      await store?.close();
      const done = await exportAndVerify(texts);
      store = done.store;
      return done;
    },
    get store() {
      return store;
    },
  };
}
