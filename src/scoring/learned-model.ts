// The learned layer: a logistic regression over the post's words and pairs of words, with weights
// learned from real labelled posts (lexicons/learned-*.tsv, written by tools/train-weights.ts).
// It only adds: it decides posts the rules found nothing hostile in, never overrules a word the
// rules read as harmless in its context, and explains itself: the words that pushed a post over
// the threshold become its matches, with offsets and the category of the labelled posts they came
// from.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { CATEGORIES, type Category, type Lang } from './types.ts';
import type { FeatureSpans } from './learned-features.ts';

/** One head of the learned layer: a notion of hostility learned on the sets that share it. */
export interface LearnedModel {
  name: string;
  bias: number;
  threshold: number;
  weights: Map<string, { weight: number; category: Category | null }>;
  hash: string;
}

export interface LearnedOptions {
  /** false: the rules alone (what the weights are learned on top of). */
  learned: boolean;
}
/**
 * The default. Measured on the development corpora (bench/quality.ts), the learned layer raises
 * recall on real posts but also flags harmless posts of the regression sets (pride posts, news of a
 * conviction, banter) above their precision floors: it stays opt-in until it holds both.
 */
export const RULES_ONLY: LearnedOptions = Object.freeze({ learned: false });
export const WITH_LEARNED: LearnedOptions = Object.freeze({ learned: true });

const CATEGORY_SET: ReadonlySet<string> = new Set<string>(CATEGORIES);

export function parseLearned(name: string, source: string): LearnedModel {
  const weights = new Map<string, { weight: number; category: Category | null }>();
  let bias = 0;
  let threshold = 0.5;
  for (const line of source.split('\n')) {
    if (line.startsWith('#bias\t')) bias = Number(line.slice(6));
    else if (line.startsWith('#threshold\t')) threshold = Number(line.slice(11));
    if (line === '' || line.startsWith('#')) continue;
    const [w, cat, key] = line.split('\t');
    const weight = Number(w);
    if (key === undefined || !Number.isFinite(weight))
      throw new Error(`learned weights: bad line: ${line.slice(0, 80)}`);
    weights.set(key, {
      weight,
      category: cat !== undefined && CATEGORY_SET.has(cat) ? (cat as Category) : null,
    });
  }
  return { name, bias, threshold, weights, hash: createHash('sha256').update(source).digest('hex') };
}

/** 'toxic' learns every kind of hostility; 'hate' learns hate against groups (racism, sexism…). */
export const HEAD_NAMES = ['toxic', 'hate'] as const;

const models = new Map<Lang, LearnedModel[]>();
/** The shipped heads of a language, read once per process; none when the files are absent. */
export function loadLearned(lang: Lang): LearnedModel[] {
  let heads = models.get(lang);
  if (heads === undefined) {
    heads = [];
    for (const name of HEAD_NAMES) {
      const file = fileURLToPath(new URL(`./lexicons/learned-${lang}-${name}.tsv`, import.meta.url));
      if (existsSync(file)) heads.push(parseLearned(name, readFileSync(file, 'utf8')));
    }
    models.set(lang, heads);
  }
  return heads;
}

export interface Contribution {
  key: string;
  start: number;
  end: number;
  weight: number;
  category: Category | null;
}

export interface LearnedVerdict {
  probability: number;
  /** How far past its threshold, 0–1 (0 at the threshold); negative when below. */
  margin: number;
  /** Word features that pushed towards hostile, strongest first. */
  reasons: Contribution[];
}

/**
 * A word must add at least this much to be named as a reason, and a post is only found hostile
 * when it has a reason: many faintly suspicious words ("deserve", "funding", "stem") add up to a
 * probability, not to an explanation a proxy could read.
 */
export const REASON_MIN = 0.35;

/**
 * `judged`: original spans the rules already read in context (a reported insult, friendly
 * profanity, a negated threat). Their words are left out here: the rules have judged them, and a
 * learned weight must not undo "stop calling her a slut".
 */
export function learnedVerdict(
  model: LearnedModel,
  f: FeatureSpans,
  never: ReadonlySet<string>,
  judged: readonly { start: number; end: number }[],
): LearnedVerdict {
  let z = model.bias;
  const seen = new Set<string>();
  const reasons: Contribution[] = [];
  for (let i = 0; i < f.keys.length; i++) {
    const key = f.keys[i] as string;
    if (seen.has(key)) continue;
    if (judged.length > 0 && overlaps(judged, f.starts[i] as number, f.ends[i] as number)) continue;
    seen.add(key);
    if (never.size > 0 && key.split(' ').some((part) => never.has(part))) continue;
    const hit = model.weights.get(key);
    if (hit === undefined) continue;
    z += hit.weight;
    if (hit.weight >= REASON_MIN) {
      reasons.push({
        key,
        start: f.starts[i] as number,
        end: f.ends[i] as number,
        weight: hit.weight,
        category: hit.category,
      });
    }
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const probability = reasons.length > 0 ? 1 / (1 + Math.exp(-z)) : 0;
  const margin =
    probability >= model.threshold
      ? (probability - model.threshold) / (1 - model.threshold)
      : probability / model.threshold - 1;
  return { probability, margin, reasons };
}

function overlaps(spans: readonly { start: number; end: number }[], s: number, e: number): boolean {
  if (s < 0) return false;
  for (const x of spans) if (s < x.end && x.start < e) return true;
  return false;
}
