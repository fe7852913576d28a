// From hits to a 0–100 score and a level. Each hit is worth points from its severity and
// category, multiplied by its context (aimed at someone, negated, reported); hits combine like
// independent pieces of evidence (1 − Π(1 − p)), so more abuse always means a higher score but
// never more than 100. Floors and caps then encode the product's rules: threats, incitement to
// suicide and doxxing language are at least 'high'; profanity alone is at most 'low'.
import { createHash } from 'node:crypto';
import { dataFilesHash } from './data-files-hash.ts';
import { buildWatch, insideNever, watchVersion, type WatchMatchers } from './watch-terms.ts';
import { dropContained } from './hit-selection.ts';
import { bestPoints, hostileWith, levelFor, noMatch, sortCategories } from './points.ts';
import { normalize, normalizeStream, type Stream } from './normalize.ts';
import type { Hit } from './term-matcher.ts';
import { baseLexicon, getBaseMatcher, getSpellingMatcher } from './base-matchers.ts';
import {
  AFFECTION_MARK,
  COUNTER_MARK,
  postMarkers,
  hitContext,
  predicatedOfGroup,
  splitWords,
  type HitContext,
  type Words,
} from './context.ts';
import { wordIndex } from './words.ts';
import { detectLang, parseLang } from './lang.ts';
import { addressGiven, calloutGiven, meetingNotThreat, playfulThreat } from './threat-context.ts';
import { codedHateSigns } from './coded-hate.ts';
import type { Category, Lang, Match, ScoreResult, Scorer, WatchScoringOptions } from './types.ts';
import { findFrames, type Target } from './frames.ts';
import { wordFeatures, type FeatureSpans } from './learned-features.ts';
import {
  learnedVerdict,
  loadLearned,
  RULES_ONLY,
  type LearnedOptions,
  type LearnedVerdict,
} from './learned-model.ts';

/** Bump when scoring logic changes; lexicon changes are caught by their hash. */
const ENGINE_VERSION = '1.6.0';

const BASE_POINTS = [0, 18, 30, 50] as const;
const CATEGORY_WEIGHT: Record<Category, number> = {
  insult: 1,
  hate: 1.2,
  sexual_harassment: 1.1,
  threat: 1.3,
  suicide_incitement: 1.3,
  doxxing_language: 1.2,
  profanity: 0.35,
  doxxing: 1.2,
  impersonation: 1,
};
const ALWAYS_HIGH = new Set<Category>(['threat', 'suicide_incitement', 'doxxing_language', 'doxxing']);
const SECOND_PERSON = 1.6;
const THIRD_PERSON = 1.4;
const REPORTED = 0.3;
const COUNTER_SPEECH = 0.6;
const BANTER = 0.4;
const PROFANITY_CAP = 24;
const HIGH_FLOOR = 50;
const SEVERE_FLOOR = 75;
/** A post the learned layer finds hostile scores from 'medium' up to LEARNED_FLOOR + LEARNED_SPAN. */
const LEARNED_FLOOR = 25;
const LEARNED_SPAN = 40;
const MAX_REASONS = 5;
/** Appended to the version of a scorer with the learned layer on. */
const LEARNED_MARK = '+learned';
const MAX_TERM = 80;
/** A frame of severity 3 (a threat or death wish) is 'high'; severity 2 (hate, impersonation) 'medium'. */
const FRAME_POINTS = [0, 25, 40, 60] as const;

let scorerVersionMemo: string | undefined;
/**
 * The engine's version and a digest of what it reads (lexicons, word lists). A function, computed
 * at the first scorer rather than when this module loads: it reads the base lexicon (the prebuilt
 * automaton, ~25 MB), which the service should not pay for before it answers its first request.
 */
export function scorerVersion(): string {
  scorerVersionMemo ??= `${ENGINE_VERSION}+${createHash('sha256')
    .update(ENGINE_VERSION)
    .update(baseLexicon().hash)
    .update(dataFilesHash())
    .digest('hex')
    .slice(0, 12)}`;
  return scorerVersionMemo;
}

const NO_SENTENCES: ReadonlySet<number> = new Set<number>();
const NO_SIGNS: Match[] = [];

/** The post has no words of its own: only emoji, handles and hashtags. */
function wordless(w: Words): boolean {
  for (let k = 0; k < w.words.length; k++) if (!w.handle[k]) return false;
  return true;
}

/** Per-scorer state; score() is a method so that nothing is created per call but the result. */
class HostilityScorer {
  private readonly base = getBaseMatcher();
  // Built before any scoring: building it normalises its word lists, which reuses the scratch
  // buffers a stream being scored lives in.
  private readonly spelling = getSpellingMatcher();
  private readonly hits: Hit[] = [];
  private readonly specials: Hit[] = [];
  private readonly candidates: Hit[] = [];
  /**
   * The stream and words of the text scoreRules() last read: frames and the learned layer read
   * them too instead of normalising the text again (the stream lives in shared scratch buffers,
   * valid until the next normalisation).
   */
  private stream: Stream | null = null;
  private words: Words | null = null;
  private wordsOf(n: Stream): Words {
    this.words ??= splitWords(n);
    return this.words;
  }
  private readonly watch: WatchMatchers;
  private readonly learned: boolean;
  /**
   * The last scoreRules() call read a lexicon word as harmless in its context (reported, quoted,
   * negated, banter, counter-speech, a game, a harmless phrase, a never-flag term): the learned
   * layer does not overrule such a reading. A word left aside for want of a target is no excuse.
   */
  private excused = false;

  wasExcused(): boolean {
    return this.excused;
  }
  /** Normalised words of the watch's never-flag terms: the learned layer ignores them too. */
  private readonly never: ReadonlySet<string>;
  private readonly target: Target;
  readonly version: string;

  constructor(options: WatchScoringOptions, learned: LearnedOptions) {
    this.target = { names: (options.names ?? []).map((name) => splitWords(normalizeStream(name)).words) };
    this.watch = buildWatch(options);
    // Turning the learned layer on or off changes verdicts: `vigie rescore` must see it.
    this.version = watchVersion(options, scorerVersion()) + (learned.learned ? LEARNED_MARK : '');
    this.learned = learned.learned;
    this.never = new Set(
      (options.neverFlag ?? []).flatMap((t) =>
        normalize(t)
          .text.split(/[^a-z0-9*]+/)
          .filter((x) => x.length > 0),
      ),
    );
  }

  score(text: string, langHint?: string): ScoreResult {
    const r = this.withFrames(this.scoreRules(text, langHint), text);
    // A word the rules read as harmless in its context (a reported insult, banter, a quoted
    // threat) keeps the rules' verdict; the learned layer decides the rest.
    if (!this.learned || r.hostile || this.excused) return r;
    const heads = loadLearned(r.lang);
    if (heads.length === 0) return r;
    const f: FeatureSpans = { keys: [], starts: [], ends: [] };
    const n = this.stream as Stream;
    wordFeatures(n, this.wordsOf(n), f);
    let best: LearnedVerdict | null = null;
    for (const head of heads) {
      const v = learnedVerdict(head, f, this.never, r.matches);
      if (best === null || v.margin > best.margin) best = v;
    }
    const v = best as LearnedVerdict;
    // The learned layer only adds: what the rules found hostile stays hostile (measured on the
    // corpora, letting it overturn the rules' insults lost more than it gained).
    if (v.margin < 0 || r.hostile) return r;
    const reasons = v.reasons.slice(0, MAX_REASONS);
    const cats: Category[] = r.categories.filter((c) => c !== 'profanity');
    for (const x of reasons) if (x.category !== null && !cats.includes(x.category)) cats.push(x.category);
    if (cats.length === 0) cats.push('insult');
    if (r.categories.includes('profanity')) cats.push('profanity');
    const score = Math.max(r.score, LEARNED_FLOOR + Math.round(LEARNED_SPAN * v.margin));
    const found: Match[] = reasons.map((x) => ({
      term: x.key,
      category: x.category ?? (cats[0] as Category),
      severity: 1,
      start: x.start,
      end: x.end,
    }));
    return hostileWith(r, score, cats, found);
  }

  /** Adds what the frames find (threats and wishes in any words, hate as an emotion, impersonation). */
  private withFrames(r: ScoreResult, text: string): ScoreResult {
    if (r.level === 'severe') return r;
    const n = this.stream as Stream;
    // Shown as written: the explanation quotes the post, not its normalised stream.
    const found = findFrames(n, this.wordsOf(n), this.target).map((m) => ({
      ...m,
      term: text.slice(m.start, m.end).slice(0, MAX_TERM),
    }));
    if (found.length === 0) return r;
    let score = r.score;
    const cats = [...r.categories];
    for (const m of found) {
      score = Math.max(score, FRAME_POINTS[m.severity]);
      if (!cats.includes(m.category)) cats.unshift(m.category);
    }
    return hostileWith(r, score, cats, found);
  }

  private scoreRules(text: string, langHint?: string): ScoreResult {
    this.excused = false;
    const watch = this.watch;
    const version = this.version;
    // No pre-filter on the raw text: the automaton's cannot see a misspelt or glued word, and the
    // spelling matcher needs the stream.
    const n = normalizeStream(text);
    this.stream = n;
    this.words = null;
    const hits = this.hits;
    const specials = this.specials;
    hits.length = 0;
    specials.length = 0;
    this.base.find(n, hits);
    this.spelling.find(n, hits, hits);
    watch.extras?.find(n, hits);
    watch.special?.find(n, specials);
    const given = parseLang(langHint);
    const coded = n.hasCodedSign;
    if (coded) this.excused = true;
    const words: Words | null = hits.length > 0 || given === null || coded ? this.wordsOf(n) : null;
    const lang: Lang = given ?? detectLang(words as Words, text);
    const signs = coded ? codedHateSigns(text, wordless(words as Words)) : NO_SIGNS;
    if (hits.length === 0 && signs.length === 0) {
      return noMatch(lang, version);
    }
    const w = words as Words;
    let nameSentences = NO_SENTENCES;
    let namedWholeText = false;
    for (const h of specials) {
      if (watch.roles.get(h.variant.entry) === 'name') {
        if (nameSentences === NO_SENTENCES) nameSentences = new Set<number>();
        (nameSentences as Set<number>).add(w.sentence[wordIndex(w, h.s)] as number);
      }
    }
    if (watch.handles.length > 0) {
      const lower = text.toLowerCase();
      namedWholeText = watch.handles.some((h) => lower.includes(h));
    }
    const kept = this.candidates;
    kept.length = 0;
    for (const h of hits) {
      if (h.variant.entry.lang !== lang && h.variant.entry.mono) continue;
      if (specials.length > 0 && insideNever(specials, watch.roles, h)) {
        this.excused = true;
        continue;
      }
      // Before the longest-match choice: a group-only reading must not hide another one.
      if (h.variant.entry.group && !predicatedOfGroup(w, h.s, h.e)) continue;
      if (h.variant.entry.meet && meetingNotThreat(w, h, hits)) {
        this.excused = true;
        continue;
      }
      if (h.variant.entry.address && !addressGiven(w, h.s)) continue;
      if (h.variant.entry.callout && !calloutGiven(w)) continue;
      const cat = h.variant.entry.category;
      if ((cat === 'threat' || cat === 'sexual_harassment') && playfulThreat(w, h.e)) {
        this.excused = true;
        continue;
      }
      kept.push(h);
    }
    const candidates = dropContained(kept);
    const marks = postMarkers(w);
    const counter = (marks & COUNTER_MARK) !== 0;
    const affection = (marks & AFFECTION_MARK) !== 0;
    const matches: Match[] = [];
    // Best points per category, in order of first appearance (the order ties keep when sorted).
    const cats: Category[] = [];
    const points: number[] = [];
    let keep = 1;
    let targeted = false;
    let floor = 0;
    let onlyProfanity = true;
    // Every counted hit is reported or quoted ("stop saying immigrants are rapists"): the post
    // denounces or recounts abuse, and is at most 'low' unless a threat-like floor applies.
    let onlyReported = true;
    const contexts = candidates.map((h) =>
      hitContext(w, h.s, h.e, nameSentences, h.variant.entry.needsTarget),
    );
    // A post that quotes abuse and calls its authors names answers them ("people writing 'go back
    // to your country' under her videos, you're pathetic"): its mild insults count as reported.
    const quotesAbuse = candidates.some((h, i) => {
      const c = contexts[i] as HitContext;
      return c.reported && !c.negated && h.variant.entry.severity >= 2;
    });
    for (let i = 0; i < candidates.length; i++) {
      const h = candidates[i] as Hit;
      const entry = h.variant.entry;
      if (entry.benign) {
        this.excused = true; // it only shields the words it contains
        continue;
      }
      const ctx = contexts[i] as HitContext;
      // An insult about the speaker, a pet or a thing, or a surname after a title ("M. Conard").
      if (!entry.needsTarget && (ctx.aboutNoOne || ctx.surname) && entry.category !== 'threat') {
        this.excused = true;
        continue;
      }
      // An insult reported by the person it was said to is aimed at nobody, whoever is mentioned.
      const second = !ctx.selfReport && (ctx.second || namedWholeText);
      if (entry.needsTarget && !second && !ctx.third) continue;
      // An insult predicated of a whole protected group is hate speech.
      const category: Category = ctx.group && entry.category === 'insult' ? 'hate' : entry.category;
      matches.push({
        term: h.variant.form,
        category,
        severity: entry.severity,
        start: n.start[h.s] as number,
        end: n.end[h.e - 1] as number,
      });
      if (ctx.negated) {
        this.excused = true;
        continue;
      }
      let p = BASE_POINTS[entry.severity] * CATEGORY_WEIGHT[category];
      p *= second ? SECOND_PERSON : ctx.third ? THIRD_PERSON : 1;
      if (affection && category === 'insult' && entry.severity === 1) {
        p *= BANTER;
        this.excused = true;
      }
      const answering = quotesAbuse && !ctx.reported && category === 'insult' && entry.severity === 1;
      if (ctx.reported || answering) {
        p *= REPORTED;
        this.excused = true;
      } else {
        onlyReported = false;
        if (counter && !second) {
          p *= COUNTER_SPEECH;
          this.excused = true;
        }
      }
      p = Math.min(p, 95);
      keep *= 1 - p / 100;
      if (second && category !== 'profanity') targeted = true;
      if (category !== 'profanity') onlyProfanity = false;
      bestPoints(cats, points, category, p);
      // A threat reported or quoted ("she was told to kys, reported and blocked") is no threat.
      if (ALWAYS_HIGH.has(category) && !ctx.reported) {
        floor = Math.max(floor, entry.severity === 3 && (second || ctx.third) ? SEVERE_FLOOR : HIGH_FLOOR);
      }
    }
    for (const sign of signs) {
      matches.push(sign);
      let p =
        BASE_POINTS[sign.severity] * CATEGORY_WEIGHT.hate * (w.hasMention ? SECOND_PERSON : THIRD_PERSON);
      if (counter) p *= COUNTER_SPEECH;
      p = Math.min(p, 95);
      keep *= 1 - p / 100;
      onlyProfanity = false;
      onlyReported = false;
      if (w.hasMention) targeted = true;
      bestPoints(cats, points, 'hate', p);
    }
    let value = Math.round(100 * (1 - keep));
    if (onlyProfanity || onlyReported) value = Math.min(value, PROFANITY_CAP);
    value = Math.max(value, floor);
    if (value === 0 && cats.length > 0) value = 1;
    const level = levelFor(value);
    return {
      score: value,
      level,
      hostile: level !== 'none' && level !== 'low',
      categories: sortCategories(cats, points),
      matches,
      targeted,
      lang,
      version,
    };
  }
}

/** The rules' verdict and whether they excused a word in context: what the learned layer is trained on. */
export function createRuleReader(): {
  read(text: string, lang: string): { result: ScoreResult; excused: boolean };
} {
  const impl = new HostilityScorer({}, RULES_ONLY);
  return {
    read: (text, lang) => {
      const result = impl.score(text, lang);
      return { result, excused: impl.wasExcused() };
    },
  };
}

export function createScorer(
  options: WatchScoringOptions = {},
  learned: LearnedOptions = RULES_ONLY,
): Scorer {
  const impl = new HostilityScorer(options, learned);
  // A plain { version, score } as before: callers may destructure or spread it.
  return { version: impl.version, score: (text, lang) => impl.score(text, lang) };
}

export { levelFor } from './points.ts';
export { getBaseMatcher } from './base-matchers.ts';
