// Learns the weights of the learned layer of the scorer (src/scoring/lexicons/learned-*.tsv) from
// the TRAIN split of the development corpora whose licence lets derived data ship in an MIT
// project (tools/corpora.ts: SHIPPABLE). A logistic regression over normalised words, pairs of
// words and heads of long words; each set weighs the same whatever its size; the thresholds are
// those that maximise the mean F1 over the language's sets on out-of-fold predictions, the rules'
// own verdicts included, under a precision floor on the sets that label every kind of hostility.
// Only features seen in at least MIN_DF posts are kept: the file holds weights of words, never a
// post. Run: node bin/run-ts.js tools/train-weights.ts [--dry-run]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeStream } from '../src/scoring/normalize.ts';
import { splitWords } from '../src/scoring/context.ts';
import { wordFeatures, type FeatureSpans } from '../src/scoring/learned-features.ts';
import { REASON_MIN } from '../src/scoring/learned-model.ts';
import { createRuleReader } from '../src/scoring/scorer.ts';
import { count, loadCorpora, prf, SHIPPABLE, type CorpusPost } from './corpora.ts';

const num = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIN_DF = num('min-df', 4);
const EPOCHS = num('epochs', 6);
const L2 = num('l2', 5e-2);
const RATE = num('rate', 0.2);
/** The sets that label every kind of hostility: their alerts must stay worth reading. */
const BROAD = new Set(['fr-toxifrench', 'fr-hateday', 'en-convabuse']);
const MIN_PRECISION = num('min-precision', 0.78);
/** The lowest threshold tried for a head. */
const MIN_THRESHOLD = num('min-threshold', 0.05);
const FOLDS = 5;
const KEEP = 0.02;
const dryRun = process.argv.includes('--dry-run');

const LABEL_CATEGORY: Record<string, string> = {
  hate: 'hate',
  threat: 'threat',
  insult: 'insult',
  sexual_harassment: 'sexual_harassment',
};

interface Doc {
  set: number;
  y: number;
  w: number;
  feats: number[];
  cat: string;
  ruleHostile: boolean;
  excused: boolean;
}

const rules = createRuleReader();
const corpora = loadCorpora().filter((c) => SHIPPABLE.has(c.name));
if (corpora.length === 0) {
  console.error('No development corpora found: nothing to learn from.');
  process.exit(2);
}

function featuresOf(p: CorpusPost): { keys: string[]; ruleHostile: boolean; excused: boolean } {
  const { result: r, excused } = rules.read(p.text, p.lang);
  const out: FeatureSpans = { keys: [], starts: [], ends: [] };
  const n = normalizeStream(p.text);
  wordFeatures(n, splitWords(n), out);
  // As the scorer does: words the rules already read in context are left to the rules.
  const keys = out.keys.filter(
    (_, i) => !r.matches.some((m) => (out.starts[i] as number) < m.end && m.start < (out.ends[i] as number)),
  );
  return { keys: [...new Set(keys)], ruleHostile: r.hostile, excused: excused };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function train(docs: Doc[], dim: number): { weights: Float64Array; bias: number } {
  const weights = new Float64Array(dim);
  const g2 = new Float64Array(dim).fill(1e-8);
  let bias = 0;
  let gb = 1e-8;
  const order = docs.map((_, i) => i);
  let seed = 7;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const i of order) {
      const d = docs[i] as Doc;
      let z = bias;
      for (const f of d.feats) z += weights[f] as number;
      const g = (sigmoid(z) - d.y) * d.w;
      gb += g * g;
      bias -= (RATE * g) / Math.sqrt(gb);
      for (const f of d.feats) {
        const gf = g + L2 * (weights[f] as number);
        g2[f] = (g2[f] as number) + gf * gf;
        weights[f] = (weights[f] as number) - (RATE * gf) / Math.sqrt(g2[f] as number);
      }
    }
  }
  return { weights, bias };
}

/** The probability, or 0 when no single word weighs REASON_MIN (the scorer's rule too). */
function predict(d: Doc, m: { weights: Float64Array; bias: number }): number {
  let z = m.bias;
  let strongest = 0;
  for (const f of d.feats) {
    const w = m.weights[f] as number;
    z += w;
    if (w > strongest) strongest = w;
  }
  return strongest >= REASON_MIN ? sigmoid(z) : 0;
}

function meanF1(docs: Doc[], flags: boolean[], sets: number, broad: ReadonlySet<number> = new Set()): number {
  const per = perSet(docs, flags, sets);
  // A threshold that lets a broad set's precision fall under the floor is no candidate.
  if (per.some((m, s) => broad.has(s) && m.p < MIN_PRECISION)) return 0;
  return per.reduce((sum, m) => sum + m.f1, 0) / sets;
}

/**
 * Two heads per language, because the sets disagree on what counts: the broad sets label every
 * kind of hostility, the narrow ones only hate (racism, sexism), so an insult is hostile in the
 * first and harmless in the second. One head learns each notion on the sets that share it; a post
 * is hostile when either head is sure enough (or the rules are sure of a threat).
 */
const HEADS = [
  { name: 'toxic', broad: true },
  { name: 'hate', broad: false },
] as const;

function perSet(docs: Doc[], flags: boolean[], sets: number): { p: number; r: number; f1: number }[] {
  const out: { p: number; r: number; f1: number }[] = [];
  for (let s = 0; s < sets; s++) {
    const inSet = docs.map((d, i) => i).filter((i) => (docs[i] as Doc).set === s);
    out.push(
      prf(
        count(
          inSet.map((i) => ({ hostile: (docs[i] as Doc).y === 1 })),
          inSet.map((i) => flags[i] === true),
        ),
      ),
    );
  }
  return out;
}

for (const lang of ['en', 'fr'] as const) {
  const sets = corpora.filter((c) => c.train[0]?.lang === lang);
  const raw: { keys: string[]; set: number; p: CorpusPost; ruleHostile: boolean; excused: boolean }[] = [];
  sets.forEach((c, si) => {
    for (const p of c.train) raw.push({ ...featuresOf(p), set: si, p });
  });
  const isBroad = (si: number): boolean => BROAD.has(sets[si]?.name ?? '');
  const toDocs = (vocab: Map<string, number>, pick: (si: number) => boolean): Doc[] => {
    const chosen = raw.filter((r) => pick(r.set));
    const sizes = new Map<number, number>();
    for (const r of chosen) sizes.set(r.set, (sizes.get(r.set) ?? 0) + 1);
    return raw.map((r) => ({
      set: r.set,
      y: r.p.hostile ? 1 : 0,
      // Each set weighs the same in its head, whatever its size; sets outside the head weigh 0.
      w: pick(r.set) ? chosen.length / (sizes.size * (sizes.get(r.set) ?? 1)) : 0,
      feats: r.keys.map((k) => vocab.get(k)).filter((x): x is number => x !== undefined),
      cat: r.p.category === null ? 'insult' : (LABEL_CATEGORY[r.p.category] ?? 'insult'),
      ruleHostile: r.ruleHostile,
      excused: r.excused,
    }));
  };
  const heads = HEADS.map((head) => {
    const pick = (si: number): boolean => isBroad(si) === head.broad;
    const df = new Map<string, number>();
    for (const r of raw) if (pick(r.set)) for (const k of r.keys) df.set(k, (df.get(k) ?? 0) + 1);
    const vocab = new Map<string, number>();
    for (const [k, n] of df) if (n >= MIN_DF) vocab.set(k, vocab.size);
    const docs = toDocs(vocab, pick);
    const trainDocs = docs.filter((d) => d.w > 0);
    // Out-of-fold predictions choose the thresholds and say what to expect on unseen posts.
    const oof = new Array<number>(docs.length).fill(0);
    for (let fold = 0; fold < FOLDS; fold++) {
      const m = train(
        trainDocs.filter((_, i) => i % FOLDS !== fold),
        vocab.size,
      );
      let j = 0;
      docs.forEach((d, i) => {
        if (d.w > 0) {
          if (j % FOLDS === fold) oof[i] = predict(d, m);
          j++;
        } else if (fold === 0) oof[i] = predict(d, m);
      });
    }
    return { head, vocab, docs, oof };
  });
  const docs = heads[0]?.docs as Doc[];
  const broad = new Set(sets.map((_, i) => i).filter(isBroad));
  // No threshold that keeps the broad sets' precision: the heads stay silent (1 is never reached).
  let best = {
    t: [1, 1],
    f1: meanF1(
      docs,
      docs.map((d) => d.ruleHostile),
      sets.length,
      broad,
    ),
  };
  for (let t0 = MIN_THRESHOLD; t0 <= 0.96; t0 += 0.025) {
    for (let t1 = MIN_THRESHOLD; t1 <= 0.96; t1 += 0.025) {
      const flags = docs.map(
        (d, i) =>
          d.ruleHostile ||
          (!d.excused && ((heads[0]?.oof[i] as number) >= t0 || (heads[1]?.oof[i] as number) >= t1)),
      );
      const f1 = meanF1(docs, flags, sets.length, broad);
      if (f1 > best.f1) best = { t: [t0, t1], f1 };
    }
  }
  const rulesF1 = meanF1(
    docs,
    docs.map((d) => d.ruleHostile),
    sets.length,
  );
  const flags = docs.map(
    (d, i) =>
      d.ruleHostile ||
      (!d.excused &&
        ((heads[0]?.oof[i] as number) >= (best.t[0] as number) ||
          (heads[1]?.oof[i] as number) >= (best.t[1] as number))),
  );
  perSet(docs, flags, sets.length).forEach((m, si) =>
    console.log(
      `  ${sets[si]?.name}: out-of-fold P ${m.p.toFixed(2)} R ${m.r.toFixed(2)} F1 ${m.f1.toFixed(2)}`,
    ),
  );
  console.log(
    `${lang}: ${docs.length} posts from ${sets.map((s) => s.name).join(', ')}; ` +
      `out-of-fold mean F1 rules ${rulesF1.toFixed(3)} → learned ${best.f1.toFixed(3)} at thresholds ${best.t.map((t) => t.toFixed(3)).join(' / ')}`,
  );

  heads.forEach(({ head, vocab, docs: hd }, hi) => {
    const keys = [...vocab.keys()];
    const model = train(
      hd.filter((d) => d.w > 0),
      keys.length,
    );
    // The category a word speaks for: the labelled category of the hostile posts it appears in.
    const catCounts = new Map<number, Map<string, number>>();
    for (const d of hd) {
      if (d.y !== 1 || d.w === 0) continue;
      for (const f of d.feats) {
        const m = catCounts.get(f) ?? new Map<string, number>();
        m.set(d.cat, (m.get(d.cat) ?? 0) + d.w);
        catCounts.set(f, m);
      }
    }
    const lines: string[] = [];
    keys.forEach((k, i) => {
      const wgt = model.weights[i] as number;
      if (Math.abs(wgt) < KEEP) return;
      let cat = '-';
      if (wgt > 0) {
        const m = catCounts.get(i);
        if (m) cat = [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '-';
      }
      lines.push(`${wgt.toFixed(4)}\t${cat}\t${k}`);
    });
    lines.sort((a, b) => Math.abs(Number(b.split('\t')[0])) - Math.abs(Number(a.split('\t')[0])));
    const from = sets.filter((_, si) => isBroad(si) === head.broad).map((s) => s.name);
    const header = [
      `# Learned weights, ${lang === 'en' ? 'English' : 'French'}, head '${head.name}': weight<TAB>category<TAB>feature.`,
      `# Generated by tools/train-weights.ts from the train split of ${from.join(', ')} (see NOTICE.md);`,
      `# features are normalised words, pairs of words and heads of long words (see learned-features.ts).`,
      `# Do not edit by hand: change the rules or the lexicon, then train again.`,
      `#bias\t${model.bias.toFixed(4)}`,
      `#threshold\t${(best.t[hi] as number).toFixed(3)}`,
    ];
    const file = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      `../src/scoring/lexicons/learned-${lang}-${head.name}.tsv`,
    );
    if (!dryRun) writeFileSync(file, `${header.join('\n')}\n${lines.join('\n')}\n`);
    console.log(
      `${lang} ${head.name}: ${lines.length} weights${dryRun ? ' (dry run)' : ` → ${path.relative(process.cwd(), file)}`}`,
    );
  });
}
