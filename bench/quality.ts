// Quality on real posts: precision / recall / F1 of Vigie's scorer and of three word-filter
// libraries a user could install instead, on the development corpora (labelled by other people's
// annotators). Test split by default; `--split train` or `--split both` for the others.
// Run: node bin/run-ts.js bench/quality.ts [--split test|train|both] [--errors N --set NAME]
import { Profanity } from '@2toad/profanity';
import leo from 'leo-profanity';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { createScorer } from '../src/scoring/index.ts';
import { WITH_LEARNED } from '../src/scoring/learned-model.ts';
import { CORPORA_DIR, count, loadCorpora, prf, type CorpusPost } from '../tools/corpora.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const splitArg = opt('split') ?? 'test';
const splits: ('train' | 'test')[] =
  splitArg === 'both' ? ['train', 'test'] : [splitArg === 'train' ? 'train' : 'test'];

const corpora = loadCorpora();
if (corpora.length === 0) {
  console.log(`No development corpora at ${CORPORA_DIR}: nothing to measure.`);
  process.exit(0);
}

const vigie = createScorer();
const vigieLearned = createScorer({}, WITH_LEARNED);
const toad = new Profanity({ languages: ['en', 'fr'] });
const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

interface Engine {
  name: string;
  flag: (p: CorpusPost) => boolean;
}
const engines: Engine[] = [
  { name: 'vigie', flag: (p) => vigie.score(p.text, p.lang).hostile },
  { name: 'vigie + learned (opt-in)', flag: (p) => vigieLearned.score(p.text, p.lang).hostile },
  { name: '@2toad/profanity', flag: (p) => toad.exists(p.text) },
  { name: 'obscenity', flag: (p) => obscenity.hasMatch(p.text) },
  { name: 'leo-profanity', flag: (p) => leo.check(p.text) },
];
const f2 = (x: number): string => x.toFixed(2);
/** Index of the first peer library in `engines`. */
const PEERS = 2;

for (const split of splits) {
  console.log(`\n## ${split} split: precision / recall / F1 of the hostile class\n`);
  console.log(`| set | n | hostile | ${engines.map((e) => e.name).join(' | ')} | vigie − best peer |`);
  console.log(`|---|---:|---:|${engines.map(() => '---').join('|')}|---:|`);
  const macro = engines.map(() => 0);
  for (const c of corpora) {
    const posts = c[split];
    const cells: string[] = [];
    const f1s: number[] = [];
    engines.forEach((e, i) => {
      const m = prf(count(posts, posts.map(e.flag)));
      macro[i] = (macro[i] as number) + m.f1;
      f1s.push(m.f1);
      cells.push(`${f2(m.p)} / ${f2(m.r)} / **${f2(m.f1)}**`);
    });
    const margin = (f1s[0] as number) - Math.max(...f1s.slice(PEERS));
    const hostile = posts.filter((p) => p.hostile).length;
    console.log(
      `| ${c.name} | ${posts.length} | ${hostile} | ${cells.join(' | ')} | ${margin >= 0 ? '+' : ''}${f2(margin)} |`,
    );
  }
  console.log(`| **macro F1** | | | ${macro.map((m) => `**${f2(m / corpora.length)}**`).join(' | ')} | |`);

  // Recall per category of the hostile posts whose dataset names a category.
  const all = corpora.flatMap((c) => c[split]);
  const cats = [...new Set(all.map((p) => p.category).filter((x): x is string => x !== null))].sort();
  console.log(`\n### ${split}: recall per labelled category (all sets pooled)\n`);
  console.log(
    `| category | n | vigie flagged | vigie with that category | ${engines
      .slice(1)
      .map((e) => e.name)
      .join(' | ')} |`,
  );
  console.log(
    `|---|---:|---:|---:|${engines
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  );
  const vigieCat: Record<string, string[]> = {
    threat: ['threat', 'suicide_incitement'],
    insult: ['insult'],
    hate: ['hate'],
    sexual_harassment: ['sexual_harassment'],
  };
  for (const cat of cats) {
    const set = all.filter((p) => p.hostile && p.category === cat);
    const res = set.map((p) => vigie.score(p.text, p.lang));
    const flagged = res.filter((r) => r.hostile).length;
    const right = res.filter(
      (r) => r.hostile && r.categories.some((k) => (vigieCat[cat] ?? [cat]).includes(k)),
    ).length;
    const peers = engines.slice(1).map((e) => f2(set.filter(e.flag).length / set.length));
    console.log(
      `| ${cat} | ${set.length} | ${f2(flagged / set.length)} | ${f2(right / set.length)} | ${peers.join(' | ')} |`,
    );
  }
}

// Error lists are for the train split only: the test split is read as figures, never as text.
const errors = Number(opt('errors') ?? 0);
const setName = opt('set');
if (errors > 0 && setName) {
  const c = corpora.find((x) => x.name === setName);
  if (c) {
    const res = c.train.map((p) => ({ p, r: vigie.score(p.text, p.lang) }));
    const fn = res.filter((x) => x.p.hostile && !x.r.hostile).slice(0, errors);
    const fp = res.filter((x) => !x.p.hostile && x.r.hostile).slice(0, errors);
    console.log(`\n## ${setName} train: missed (${fn.length} shown)`);
    for (const x of fn)
      console.log(`- [${x.p.category ?? '-'}] ${x.p.text.slice(0, 200).replace(/\s+/g, ' ')}`);
    console.log(`\n## ${setName} train: false alarms (${fp.length} shown)`);
    for (const x of fp)
      console.log(
        `- ${x.r.matches.map((m) => `${m.term}:${m.category}`).join(',')} | ${x.p.text.slice(0, 200).replace(/\s+/g, ' ')}`,
      );
  }
}
