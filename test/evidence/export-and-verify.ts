import path from 'node:path';
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
