// From points to levels and ordered categories, and the result a later layer (frames, the learned
// layer) makes hostile.
import type { Category, Lang, Level, Match, ScoreResult } from './types.ts';

export function levelFor(score: number): Level {
  if (score <= 0) return 'none';
  if (score < 25) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'severe';
}

/** Keeps the best points of each category, categories in order of first appearance. */
export function bestPoints(cats: Category[], points: number[], category: Category, p: number): void {
  const ci = cats.indexOf(category);
  if (ci < 0) {
    cats.push(category);
    points.push(Math.max(0, p));
  } else points[ci] = Math.max(points[ci] as number, p);
}

/** Categories by decreasing points; equal points keep first-appearance order (a stable sort). */
export function sortCategories(cats: Category[], points: number[]): Category[] {
  for (let i = 1; i < cats.length; i++) {
    const c = cats[i] as Category;
    const p = points[i] as number;
    let j = i;
    while (j > 0 && (points[j - 1] as number) < p) {
      cats[j] = cats[j - 1] as Category;
      points[j] = points[j - 1] as number;
      j--;
    }
    cats[j] = c;
    points[j] = p;
  }
  return cats;
}

/** The rules' result made hostile by what a later layer found, its matches added in text order. */
export function hostileWith(
  r: ScoreResult,
  score: number,
  categories: Category[],
  found: Match[],
): ScoreResult {
  return {
    ...r,
    score,
    level: levelFor(score),
    hostile: true,
    categories,
    matches: [...r.matches, ...found].sort((a, b) => a.start - b.start),
  };
}

/** The result of a post in which nothing was found. */
export function noMatch(lang: Lang, version: string): ScoreResult {
  return {
    score: 0,
    level: 'none',
    hostile: false,
    categories: [],
    matches: [],
    targeted: false,
    lang,
    version,
  };
}
