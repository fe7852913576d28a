// Hostility composed from parts, for what a phrase list cannot enumerate: "quelqu'un devrait buter
// Alice Martin", "I'm going to stab a [group] person", "Alice Martin mérite de mourir" are one
// frame — an intent, wish, duty or deserving word, a violent or death predicate a few words on,
// and a human object in the same sentence (the watched person's names count everywhere). Hate
// said as an emotion ("I can't stand [group]") is a negative-emotion verb and a group noun.
// The word lists are data (lexicons/frames.tsv).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collapse, GROUP, type Words } from './context.ts';
import type { Stream } from './normalize.ts';
import type { Match } from './types.ts';
import { playfulThreat } from './threat-context.ts';

type ListName =
  | 'intent'
  | 'violent'
  | 'suicide'
  | 'reflexive'
  | 'object'
  | 'clitic'
  | 'subject'
  | 'intransitive'
  | 'thing_after'
  | 'person'
  | 'negation'
  | 'emotion'
  | 'negated_emotion'
  | 'real'
  | 'request'
  | 'nt_stem'
  | 'sexual'
  | 'sexual_person';

export function parseFrames(source: string): Record<ListName, ReadonlySet<string>> {
  const lists = new Map<string, Set<string>>();
  for (const line of source.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, words] = line.split('\t');
    if (name === undefined || words === undefined) throw new Error(`frames: bad line: ${line.slice(0, 80)}`);
    const set = lists.get(name) ?? new Set<string>();
    for (const word of words.split(' ')) if (word !== '') set.add(collapse(word));
    lists.set(name, set);
  }
  const get = (name: ListName): ReadonlySet<string> => {
    const set = lists.get(name);
    if (set === undefined) throw new Error(`frames: missing list '${name}'`);
    return set;
  };
  return {
    intent: get('intent'),
    violent: get('violent'),
    suicide: get('suicide'),
    reflexive: get('reflexive'),
    object: get('object'),
    clitic: get('clitic'),
    subject: get('subject'),
    intransitive: get('intransitive'),
    thing_after: get('thing_after'),
    person: get('person'),
    negation: get('negation'),
    emotion: get('emotion'),
    negated_emotion: get('negated_emotion'),
    real: get('real'),
    request: get('request'),
    nt_stem: get('nt_stem'),
    sexual: get('sexual'),
    sexual_person: get('sexual_person'),
  };
}

const L = parseFrames(readFileSync(fileURLToPath(new URL('./lexicons/frames.tsv', import.meta.url)), 'utf8'));

/** How far (in words) the predicate may follow its intent word: "je vais bien finir par te tuer". */
const WINDOW = 5;

export interface Target {
  /** Each name of the watched person as its sequence of normalised words. */
  names: readonly (readonly string[])[];
}

/** Index of each word that starts one of the watched person's names. */
function nameStarts(w: Words, target: Target): number[] {
  const out: number[] = [];
  for (const name of target.names) {
    if (name.length === 0) continue;
    for (let k = 0; k + name.length <= w.words.length; k++) {
      let ok = true;
      for (let j = 0; j < name.length && ok; j++) ok = w.words[k + j] === name[j];
      if (ok) out.push(k);
    }
  }
  return out;
}

function span(n: Stream, w: Words, from: number, to: number): { start: number; end: number } {
  return {
    start: n.start[w.starts[from] as number] as number,
    end: n.end[(w.ends[to] as number) - 1] as number,
  };
}

/** Threats, death wishes, incitement to suicide, hate as an emotion and impersonation claims. */
export function findFrames(n: Stream, w: Words, target: Target): Match[] {
  const out: Match[] = [];
  const names = nameStarts(w, target);
  const count = w.words.length;
  const isName = (k: number): boolean => names.includes(k);
  /** The first word of `set` a few words after k in its sentence, unquoted and not past a negation; -1 if none. */
  const predicateAfter = (k: number, set: ReadonlySet<string>): number => {
    for (let j = k + 1; j <= k + WINDOW && j < count; j++) {
      if (w.sentence[j] !== w.sentence[k] || w.quoted[j]) return -1;
      const word = w.words[j] as string;
      if (L.negation.has(word)) return -1;
      if (set.has(word)) return j;
    }
    return -1;
  };
  // "won't", "don't" reach the stream as "won t", "don t".
  const negatedAt = (k: number): boolean =>
    L.negation.has(w.words[k - 1] ?? '') || (w.words[k - 1] === 't' && L.nt_stem.has(w.words[k - 2] ?? ''));
  // Sentences naming "me" or "you", found in one pass: a post of many requests stays linear.
  const withPerson = new Set<number>();
  for (let q = 0; q < count; q++) {
    if (L.sexual_person.has(w.words[q] as string) || w.handle[q] === true)
      withPerson.add(w.sentence[q] as number);
  }
  const personIn = (sentence: number): boolean => withPerson.has(sentence);
  const requestEnds = new Set<number>();
  const human = (k: number, pronouns: ReadonlySet<string>): boolean => {
    const word = w.words[k];
    if (word === undefined) return false;
    return w.handle[k] === true || isName(k) || pronouns.has(word) || L.person.has(word) || GROUP.has(word);
  };
  // Whom the predicate at j (intent word at k) is aimed at: an object for a violent act, a subject
  // (or a reflexive) for a wish to die.
  const aimed = (k: number, j: number): boolean => {
    const pred = w.words[j] as string;
    if (
      L.intransitive.has(pred) ||
      L.reflexive.has(w.words[j + 1] ?? '') ||
      L.reflexive.has(w.words[j - 1] ?? '')
    ) {
      for (let b = k - 1; b >= Math.max(0, k - 4); b--) {
        if (w.sentence[b] !== w.sentence[k]) break;
        if (human(b, L.subject)) return true;
        // "Alice Martin mérite…": the name's last word sits just before the intent word.
        if (names.some((start) => start < b && b < start + 4 && w.sentence[start] === w.sentence[k]))
          return true;
      }
      if (L.reflexive.has(w.words[j + 1] ?? '') || L.reflexive.has(w.words[j - 1] ?? '')) return true;
    }
    if (L.thing_after.has(w.words[j + 1] ?? '')) return false;
    if (j - 1 > k && L.clitic.has(w.words[j - 1] as string)) return true;
    for (let a = j + 1; a <= j + 3 && a < count; a++) {
      if (w.sentence[a] !== w.sentence[j]) break;
      if (human(a, L.object)) return true;
    }
    return false;
  };
  for (let k = 0; k < count; k++) {
    const word = w.words[k] as string;
    if (w.handle[k] || w.quoted[k]) continue;
    if (L.intent.has(word)) {
      const j = predicateAfter(k, L.violent);
      // "I'm going to murder you at chess", "je vais le tuer mon frère": the rules' game and kin readings.
      if (j >= 0 && !negatedAt(k) && aimed(k, j) && !playfulThreat(w, w.ends[j] as number)) {
        const pred = w.words[j] as string;
        // "kill herself", "se suicider": a wish that the target dies by their own hand.
        const reflexive =
          L.suicide.has(pred) ||
          L.reflexive.has(w.words[j + 1] ?? '') ||
          L.reflexive.has(w.words[j - 1] ?? '');
        out.push({
          term: `${word} … ${pred}`,
          category:
            reflexive && (L.suicide.has(pred) || pred === 'kil' || pred === 'die')
              ? 'suicide_incitement'
              : 'threat',
          severity: 3,
          ...span(n, w, k, j),
        });
      }
    }
    if (L.request.has(word)) {
      const j = predicateAfter(k, L.sexual);
      if (j >= 0 && personIn(w.sentence[k] as number) && !negatedAt(k)) {
        const at = span(n, w, k, j);
        // "would you like to fuck": one request, however many request words lead to it.
        if (!requestEnds.has(at.end)) {
          requestEnds.add(at.end);
          out.push({
            term: `${word} … ${w.words[j] as string}`,
            category: 'sexual_harassment',
            severity: 2,
            ...at,
          });
        }
      }
    }
    if (L.emotion.has(word)) {
      const needsNegation = L.negated_emotion.has(word);
      const negated =
        [w.words[k - 1], w.words[k - 2], w.words[k + 1]].some((x) => x !== undefined && L.negation.has(x)) ||
        (w.words[k - 1] === 't' && w.words[k - 2] === 'can');
      if (needsNegation && !negated) continue;
      if (!needsNegation && negated) continue;
      for (let j = k + 1; j <= k + 3 && j < count; j++) {
        if (w.sentence[j] !== w.sentence[k]) break;
        if (GROUP.has(w.words[j] as string)) {
          out.push({
            term: `${word} … ${w.words[j] as string}`,
            category: 'hate',
            severity: 2,
            ...span(n, w, k, j),
          });
          break;
        }
      }
    }
  }
  // "je suis la vraie Alice Martin", "I'm the real Alice Martin": a claim to be the person.
  for (const k of names) {
    const before = [w.words[k - 1], w.words[k - 2]];
    if (before.some((x) => x !== undefined && L.real.has(x))) {
      out.push({
        term: `${before.find((x) => x !== undefined && L.real.has(x)) ?? ''} …`,
        category: 'impersonation',
        severity: 2,
        ...span(n, w, Math.max(0, k - 2), k),
      });
    }
  }
  return out;
}
