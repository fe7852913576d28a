import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';

// Human labels: a proxy's "this is hostile" on a post the scorer missed, with the category they
// chose. Stored beside the scorer's fields (post_labels), never over them, so the scorer's verdict
// and the correction can both be read back, counted and sent to the lexicon maintainers.

export interface PostLabel {
  postId: number;
  category: string;
  labelledBy: string;
  labelledAt: number;
}

/** One correction for the lexicon maintainers: what the scorer said, what a person said. */
export interface Correction {
  postId: number;
  watchId: string;
  platform: string;
  url: string | null;
  text: string;
  lang: string | null;
  scorerLevel: string | null;
  scorerScore: number | null;
  scorerCategories: string[];
  humanCategory: string;
  labelledBy: string;
  labelledAt: number;
  /** The scorer (engine + lexicon hash) that scored the post. */
  lexiconVersion: string | null;
}

export function labelQueries(store: Store) {
  return {
    /** Marks a post hostile by hand with a category (replaces an earlier label of the same post). */
    async setLabel(
      postId: number,
      category: string,
      user: { id: number; email: string },
      now = Date.now(),
    ): Promise<void> {
      await store.run(
        sql`insert into post_labels (post_id, watch_id, category, labelled_by, labelled_by_email, labelled_at)
            select id, watch_id, ${category}, ${user.id}, ${user.email}, ${now} from posts where id = ${postId}
            on conflict (post_id) do update set category = excluded.category, labelled_by = excluded.labelled_by,
              labelled_by_email = excluded.labelled_by_email, labelled_at = excluded.labelled_at`,
      );
    },

    async removeLabel(postId: number): Promise<boolean> {
      return (await store.run(sql`delete from post_labels where post_id = ${postId}`)).changes > 0;
    },

    async label(postId: number): Promise<PostLabel | undefined> {
      const r = await store.get<{
        post_id: number;
        category: string;
        labelled_by_email: string;
        labelled_at: number;
      }>(
        sql`select post_id, category, labelled_by_email, labelled_at from post_labels where post_id = ${postId}`,
      );
      return r
        ? {
            postId: r.post_id,
            category: r.category,
            labelledBy: r.labelled_by_email,
            labelledAt: Number(r.labelled_at),
          }
        : undefined;
    },

    /** Every human label of a watch with the scorer's verdict beside it, oldest first. */
    async corrections(watchId: string): Promise<Correction[]> {
      const rows = await store.all(
        sql`select p.id, p.watch_id, p.platform, p.url, p.text, p.lang, p.level, p.score, p.categories, p.scorer_version,
              l.category, l.labelled_by_email, l.labelled_at
            from post_labels l join posts p on p.id = l.post_id where l.watch_id = ${watchId} order by l.labelled_at, p.id`,
      );
      return rows.map((r) => ({
        postId: r.id as number,
        watchId: r.watch_id as string,
        platform: r.platform as string,
        url: (r.url as string | null) ?? null,
        text: r.text as string,
        lang: (r.lang as string | null) ?? null,
        scorerLevel: (r.level as string | null) ?? null,
        scorerScore: (r.score as number | null) ?? null,
        scorerCategories: typeof r.categories === 'string' ? (JSON.parse(r.categories) as string[]) : [],
        humanCategory: r.category as string,
        labelledBy: r.labelled_by_email as string,
        labelledAt: Number(r.labelled_at),
        lexiconVersion: (r.scorer_version as string | null) ?? null,
      }));
    },
  };
}
