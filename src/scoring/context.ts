// Who is the abuse aimed at, and is it really the speaker's? Looks at the words around each hit:
// second person, imperatives, @mentions and the watched person's names raise it; negation,
// quotation and reporting frames ("il m'a traité de …", "stop calling her …") lower it.
import { FLAG_HANDLE, streamText, type Stream } from './normalize.ts';

/** Word lists are written in plain spelling; the stream has repeated letters collapsed. */
export function collapse(word: string): string {
  return word.replace(/(.)\1+/g, '$1');
}
export function wordSet(words: string[]): Set<string> {
  return new Set(words.map(collapse));
}

export interface Words {
  text: string;
  starts: number[];
  ends: number[];
  words: string[];
  /** Sentence index of each word ('|' breaks sentences). */
  sentence: number[];
  /** Comma-clause index of each word (',' and '|' break clauses). */
  clause: number[];
  /** Inside quotation marks. */
  quoted: boolean[];
  /** The word is (part of) an @handle. */
  handle: boolean[];
  hasMention: boolean;
}

export function splitWords(n: Stream): Words {
  const text = streamText(n);
  const w: Words = {
    text,
    starts: [],
    ends: [],
    words: [],
    sentence: [],
    clause: [],
    quoted: [],
    handle: [],
    hasMention: false,
  };
  let sentence = 0;
  let clause = 0;
  let quotes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 124) {
      sentence++;
      clause++;
      i++;
    } else if (c === 44) {
      clause++;
      i++;
    } else if (c === 34) {
      quotes++;
      i++;
    } else if (c === 32 || c === 35 || c === 64) {
      i++;
    } else {
      const s = i;
      while (i < text.length && !isSep(text.charCodeAt(i))) i++;
      w.starts.push(s);
      w.ends.push(i);
      w.words.push(text.slice(s, i));
      w.sentence.push(sentence);
      w.clause.push(clause);
      w.quoted.push(quotes % 2 === 1);
      const handle = ((n.flags[s] as number) & FLAG_HANDLE) !== 0;
      w.handle.push(handle);
      if (handle) w.hasMention = true;
    }
  }
  return w;
}

function isSep(c: number): boolean {
  return c === 32 || c === 124 || c === 44 || c === 34 || c === 35 || c === 64;
}

/** Word index containing stream position p (or the next word). */
export function wordAt(w: Words, p: number): number {
  let lo = 0;
  let hi = w.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((w.starts[mid] as number) <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Second person (after elision split "t'es" -> "t es") and English contractions.
const SECOND = wordSet([
  'tu',
  't',
  'te',
  'toi',
  'ta',
  'ton',
  'tes',
  'vous',
  'votre',
  'vos',
  'ty',
  'tsais',
  'tes',
  'toa',
  'you',
  'your',
  'ur',
  'u',
  'youre',
  'yours',
  'yourself',
  'yourselves',
  'ya',
  'yall',
  'ye',
  'thou',
  'yo',
]);

// Imperatives that open an attack; a sentence starting with one is addressed to someone.
const IMPERATIVE = wordSet([
  'va',
  'vas',
  'allez',
  'ferme',
  'fermez',
  'degage',
  'degagez',
  'casse',
  'cassez',
  'barre',
  'barrez',
  'creve',
  'crevez',
  'suce',
  'sucez',
  'nique',
  'niquez',
  'tais',
  'taisez',
  'arrete',
  'ecoute',
  'regarde',
  'retourne',
  'rentre',
  'rentrez',
  'bouge',
  'tire',
  'pends',
  'tue',
  'jette',
  'meurs',
  'mourez',
  'go',
  'shut',
  'get',
  'die',
  'kill',
  'eat',
  'suck',
  'fuck',
  'piss',
  'stfu',
  'gtfo',
  'kys',
  'kms',
  'hang',
  'drink',
  'jump',
]);

// A qualifier right before a noun insult means a person is being called that, even in the third
// person ("cette connasse", "sale con", "what an idiot", "the stupid bitch").
const QUALIFIER = wordSet([
  'sale',
  'sales',
  'espece',
  'bande',
  'gros',
  'grosse',
  'grosses',
  'pauvre',
  'pauvres',
  'petit',
  'petite',
  'vieux',
  'vieille',
  'vieil',
  'quel',
  'quelle',
  'quels',
  'quelles',
  'ce',
  'cet',
  'cette',
  'ces',
  'tas',
  'vrai',
  'vraie',
  'sacre',
  'sacree',
  'enorme',
  'this',
  'that',
  'these',
  'those',
  'such',
  'what',
  'stupid',
  'dirty',
  'dumb',
  'fat',
  'ugly',
  'little',
  'lil',
  'fucking',
  'fuckin',
  'damn',
  'total',
  'complete',
  'absolute',
  'freaking',
  'filthy',
  'bloody',
  'you',
  'ya',
  'u',
  'ur',
  'your',
  'ta',
  'ton',
  'tes',
  'votre',
  'vos',
]);
// "de" makes a qualifier after these: "espèce de", "bande de", "putain de", "fils de".
const DE_HEADS = wordSet(['espece', 'bande', 'tas', 'putain', 'fils', 'fille', 'sorte', 'genre']);
// Articles count only after a predicate: "t'es un con", "c'est une idiote", "she is a bitch".
const ARTICLE = wordSet(['un', 'une', 'des', 'le', 'la', 'les', 'l', 'a', 'an', 'the', 'mon', 'ma', 'some']);
const PREDICATE = wordSet([
  'es',
  'est',
  'etes',
  'sont',
  'suis',
  'etait',
  'etais',
  'qu',
  'que',
  'is',
  'are',
  'was',
  'were',
  'be',
  'am',
  'im',
  'youre',
  'hes',
  'shes',
  'theyre',
  'being',
  'like',
  'such',
  'what',
  'quel',
  'quelle',
  'called',
  'call',
  'comme',
  'as',
  'such',
  'ur',
  're',
  'm',
  's',
]);
// Personal subjects of a bare predicate; the first person is left out: "je suis crevée", "I'm so
// stupid" describe the speaker, not someone attacked.
const PERSON_SUBJECT = wordSet([
  'op',
  'elle',
  'il',
  'elles',
  'ils',
  't',
  'tu',
  'vous',
  'she',
  'he',
  'they',
  'you',
  'u',
  'ur',
  'youre',
  'hes',
  'shes',
  'theyre',
  'toi',
  'lui',
  'eux',
]);
// People named by a protected characteristic (religion, origin, gender, sexuality, gender
// identity): an insult predicated of the whole group is hate ("blacks are animals", "les migrants
// c'est des cafards"). Political or professional groups are not listed: venting at them is not.
export const GROUP = wordSet([
  'muslims',
  'jews',
  'blacks',
  'arabs',
  'immigrants',
  'migrants',
  'refugees',
  'mexicans',
  'latinos',
  'hispanics',
  'asians',
  'chinese',
  'africans',
  'indians',
  'pakistanis',
  'pakis',
  'gypsies',
  'roma',
  'christians',
  'hindus',
  'women',
  'females',
  'gays',
  'lesbians',
  'homosexuals',
  'queers',
  'trans',
  'transgenders',
  'trannies',
  'musulmans',
  'musulmanes',
  'juifs',
  'juives',
  'noirs',
  'noires',
  'renois',
  'arabes',
  'rebeus',
  'beurs',
  'maghrebins',
  'africains',
  'asiatiques',
  'chinois',
  'migrants',
  'immigres',
  'etrangers',
  'refugies',
  'roms',
  'gitans',
  'femmes',
  'meufs',
  'homos',
  'pedes',
  'lesbiennes',
  'transsexuels',
  'aboriginals',
  'aborigines',
  'gypsies',
  'romanos',
  'tsiganes',
  'handicapes',
  'autistes',
  'trisos',
  'feujs',
  'pakis',
  'pajeets',
  'somalis',
  'nigerians',
  'jewish',
]);
// Pets and things: "my cat is such an idiot", "mon chat est un vrai con", "what a stupid mistake"
// insult no one.
const THING = wordSet([
  'cat',
  'cats',
  'dog',
  'dogs',
  'kitten',
  'puppy',
  'chat',
  'chats',
  'chaton',
  'chien',
  'chiens',
  'chiot',
  'car',
  'voiture',
  'phone',
  'telephone',
  'tel',
  'ordi',
  'ordinateur',
  'computer',
  'laptop',
  'pc',
  'printer',
  'imprimante',
  'wifi',
  'internet',
  'router',
  'app',
  'appli',
  'bug',
  'code',
  'weather',
  'meteo',
  'game',
  'jeu',
  'film',
  'movie',
  'show',
  'serie',
  'song',
  'chanson',
  'book',
  'livre',
  'mistake',
  'mistakes',
  'erreur',
  'erreurs',
  'idea',
  'ideas',
  'idee',
  'idees',
  'question',
  'questions',
  'decision',
  'decisions',
  'choice',
  'choix',
  'thing',
  'things',
  'truc',
  'trucs',
  'chose',
  'choses',
  'move',
  'day',
  'journee',
  'week',
  'semaine',
  'plan',
  'rule',
  'rules',
  'regle',
  'regles',
  'law',
  'loi',
  'policy',
  'system',
  'systeme',
  'argument',
  'arguments',
  'take',
  'comment',
  'comments',
  'commentaire',
  'tweet',
  'tweets',
  'post',
  'article',
  'video',
  'excuse',
  'excuses',
  'reason',
  'raison',
  'traffic',
  'trafic',
  'flu',
  'cold',
  'grippe',
  'rhume',
  'covid',
  'migraine',
  'hangover',
  'gueule de bois',
  'lag',
  'update',
  'patch',
  'vacuum',
  'aspirateur',
  'monday',
  'lundi',
  'match',
  'question',
]);
// Copulas whose subject is a thing, not a person: "c'est con", "it's shit", "that is crap".
const IMPERSONAL = wordSet(['c', 'ca', 'cela', 'it', 'that', 'this', 'its', 'thats', 'ce', 'there']);
const ADVERB = wordSet([
  'all',
  'tous',
  'toutes',
  'trop',
  'tellement',
  'vraiment',
  'grave',
  'super',
  'tres',
  'si',
  'so',
  'really',
  'very',
  'totally',
  'completely',
  'truly',
  'just',
  'carrement',
  'completement',
  'juste',
  'bien',
  'vrmt',
  'trp',
  'hyper',
  'such',
  'fucking',
  'grosse',
  'gros',
  'sacre',
  'sacree',
  'veritable',
  'real',
  'huge',
]);

/** Word k if it is in the given sentence, else ''. */
export function wordIn(w: Words, k: number, sentence: number): string {
  return k >= 0 && w.sentence[k] === sentence ? (w.words[k] as string) : '';
}

// Possessive determiners. "tes" and "ur" are left out: they are as often "t'es" and "you're".
const POSSESSIVE = wordSet(['ta', 'ton', 'your', 'votre', 'vos']);
// Nouns for the person themself, their body or their family: "ta gueule", "your mom".
const PERSON_NOUN = wordSet([
  'gueule',
  'tete',
  'tronche',
  'face',
  'cul',
  'bouche',
  'mere',
  'pere',
  'soeur',
  'frere',
  'famille',
  'race',
  'vie',
  'mouth',
  'ass',
  'head',
  'mom',
  'mum',
  'mama',
  'mother',
  'dad',
  'father',
  'sister',
  'brother',
  'family',
  'life',
  'self',
  'kind',
]);
// Words that end a noun phrase: after "your dog" these mean the insult was the possessed thing.
const NP_END = wordSet([
  'and',
  'or',
  'et',
  'ou',
  'has',
  'have',
  'had',
  'is',
  'was',
  'are',
  'were',
  'est',
  'etait',
  'sont',
  'a',
  'avait',
  'qui',
  'que',
  'which',
  'that',
  'who',
  'with',
  'avec',
  'in',
  'on',
  'dans',
  'sur',
  'to',
  'for',
  'pour',
  'at',
  'from',
]);

/** A possessive right before the hit qualifies it only if the hit modifies a noun after it. */
function hitQualifiesNoun(w: Words, wj: number, clause: number): boolean {
  const next = wordInClause(w, wj + 1, clause);
  return next !== '' && !NP_END.has(next);
}

/** Word k if it is in the given comma-clause, else ''. */
export function wordInClause(w: Words, k: number, clause: number): string {
  return k >= 0 && k < w.words.length && w.clause[k] === clause ? (w.words[k] as string) : '';
}

/**
 * Does the possessive at k make the sentence addressed to someone? Only when what it determines
 * is the insult itself used as a modifier ("your stupid face"), the person or their kin ("ta mère"),
 * or when it stands for "you're" ("your a loser", "your so dumb"); not "ton chien", "your argument".
 */
function possessiveTargets(w: Words, k: number, wi: number, wj: number): boolean {
  const next = w.words[k + 1] ?? '';
  if (k + 1 >= wi && k + 1 <= wj) return hitQualifiesNoun(w, wj, w.clause[wj] as number);
  if (ARTICLE.has(next) || ADVERB.has(next) || PERSON_NOUN.has(next)) return true;
  // "your fat stupid face": adjectives between the possessive and the hit.
  if (k + 2 >= wi && k + 2 <= wj && QUALIFIER.has(next))
    return hitQualifiesNoun(w, wj, w.clause[wj] as number);
  return false;
}

function thirdPerson(w: Words, wi: number, sentence: number, wj: number = wi): boolean {
  let k = wi - 1;
  const before = wordIn(w, k, sentence);
  if (POSSESSIVE.has(before)) return possessiveTargets(w, k, wi, wj);
  if (QUALIFIER.has(before)) return true;
  for (let skip = 0; skip < 2 && ADVERB.has(wordIn(w, k, sentence)); skip++) k--;
  const prev = wordIn(w, k, sentence);
  const prev2 = wordIn(w, k - 1, sentence);
  const prev3 = wordIn(w, k - 2, sentence);
  if (prev === 'de' || prev === 'd' || prev === 'of') return DE_HEADS.has(prev2);
  if (QUALIFIER.has(prev)) return true;
  if (ARTICLE.has(prev)) {
    if (!PREDICATE.has(prev2)) return false;
    // "c'est des cafards" is about a thing, unless a group or a person was named first: "les
    // migrants c'est des…", "ce streameur c'est un gros puceau", "@hugo c'est un…".
    if (!IMPERSONAL.has(prev3)) return true;
    const named = wordIn(w, k - 3, sentence);
    return GROUP.has(named) || PERSON_REFERENT.has(named) || w.handle[k - 3] === true;
  }
  // A bare predicate needs a personal subject: "elle est conne", "blacks are animals", not
  // "ce film est nul".
  if (PREDICATE.has(prev) && prev !== 'qu' && prev !== 'que')
    return PERSON_SUBJECT.has(prev2) || GROUP.has(prev2);
  return false;
}

// People named before "c'est un…": "ce mec c'est un tocard", "cette streameuse c'est une…".
const PERSON_REFERENT = wordSet([
  'lui',
  'elle',
  'mec',
  'meuf',
  'type',
  'gars',
  'nana',
  'fille',
  'femme',
  'homme',
  'keum',
  'gonzesse',
  'streameur',
  'streameuse',
  'youtubeur',
  'youtubeuse',
  'influenceur',
  'influenceuse',
  'prof',
  'journaliste',
  'arbitre',
  'voisin',
  'voisine',
  'guy',
  'dude',
  'girl',
  'woman',
  'man',
  'streamer',
  'teacher',
  'ref',
]);

// Copulas proper (PREDICATE also holds "such", "like", "what"…): the word before one is the subject.
const COPULA = wordSet([
  'r',
  'es',
  'est',
  'etes',
  'sont',
  'suis',
  'etait',
  'etais',
  'etaient',
  'is',
  'are',
  'was',
  'were',
  'be',
  'am',
  's',
  're',
  'm',
  'ete',
  'been',
]);

/** The word at stream position p is predicated of a protected group (see groupSubject). */
export function predicatedOfGroup(w: Words, s: number, e: number): boolean {
  const wi = wordAt(w, s);
  const sentence = w.sentence[wi] as number;
  // Group entries start at their copula ("are animals", "c'est des cafards"): its subject decides.
  const wj = Math.max(wi, wordAt(w, e - 1));
  for (let k = wi; k <= wj; k++) if (COPULA.has(w.words[k] as string)) return groupSubjectOf(w, k, sentence);
  // Or at their verb ("control the media", "ont un QI plus bas"): the words before it are the subject.
  return groupSubject(w, wi, sentence) || groupSubjectOf(w, wi, sentence);
}

/** The insult is predicated of a protected group: "muslims are vermin", "les juifs sont des rats". */
function groupSubject(w: Words, wi: number, sentence: number): boolean {
  const k = copulaBefore(w, wi, sentence);
  return k >= 0 && groupSubjectOf(w, k, sentence);
}

/** The nearest copula among the five words before word wi, in its sentence, or -1. */
function copulaBefore(w: Words, wi: number, sentence: number): number {
  for (let k = wi - 1; k >= Math.max(0, wi - 5); k--) {
    if (w.sentence[k] !== sentence) return -1;
    if (COPULA.has(w.words[k] as string)) return k;
  }
  return -1;
}

/** The subject of the copula at k is a protected group, named directly or before "c'est". */
function groupSubjectOf(w: Words, k: number, sentence: number): boolean {
  // "les juifs ne sont que des…": the negative particle stands between the subject and the verb.
  const particle = wordIn(w, k - 1, sentence);
  const at = particle === 'ne' || particle === 'n' ? k - 1 : k;
  const subject = wordIn(w, at - 1, sentence);
  if (GROUP.has(subject) || identityPeople(subject, wordIn(w, at - 2, sentence))) return true;
  // "les migrants c'est des cafards", and with a complement: "les rebeus de ma cité c'est des…",
  // "muslims in this country are…": a determined group word a few words before the verb.
  const from = IMPERSONAL.has(subject) ? at - 2 : at - 1;
  for (let q = from; q >= Math.max(0, from - 4); q--) {
    const word = wordIn(w, q, sentence);
    if (word === '' || COPULA.has(word)) return false;
    if (!GROUP.has(word)) continue;
    const det = wordIn(w, q - 1, sentence);
    return q === from || det === '' || GROUP_DETERMINER.has(det);
  }
  return false;
}
// People named by an identity adjective: "gay people are…", "les personnes trans sont…".
const PEOPLE = wordSet([
  'people',
  'folks',
  'folk',
  'men',
  'women',
  'guys',
  'persons',
  'gens',
  'personnes',
  'hommes',
  'mecs',
]);
const IDENTITY = wordSet([
  'gay',
  'gays',
  'trans',
  'lesbian',
  'queer',
  'bi',
  'black',
  'jewish',
  'muslim',
  'arab',
  'asian',
  'african',
  'immigrant',
  'homosexual',
  'homosexuels',
  'homosexuelles',
  'disabled',
  'autistic',
  'noirs',
  'noires',
  'juifs',
  'musulmans',
  'handicapees',
  'handicapes',
  'autistes',
]);

/** "gay people" (adjective first) or "personnes trans" (noun first). */
function identityPeople(subject: string, before: string): boolean {
  return (PEOPLE.has(subject) && IDENTITY.has(before)) || (IDENTITY.has(subject) && PEOPLE.has(before));
}
const GROUP_DETERMINER = wordSet([
  'les',
  'des',
  'ces',
  'tous',
  'toutes',
  'the',
  'these',
  'those',
  'all',
  'most',
]);

export const SELF = wordSet(['i', 'je', 'j', 'we', 'nous', 'on']);
// "I am" and "je suis" written as one word.
const SELF_COPULA = wordSet(['jsuis', 'jsui', 'chui', 'chuis', 'jss', 'im', 'iam']);
// Titles before a surname: "M. Conard", "Mrs Bitch" is a name.
const TITLE = wordSet([
  'm',
  'mme',
  'mlle',
  'mr',
  'mrs',
  'ms',
  'dr',
  'monsieur',
  'madame',
  'mademoiselle',
  'docteur',
  'maitre',
]);

/** The word at k in the clause, past an article ("de la grippe", "of a flu"). */
function skipArticle(w: Words, k: number, clause: number): string {
  const word = wordInClause(w, k, clause);
  return ARTICLE.has(word) ? wordInClause(w, k + 1, clause) : word;
}
const DEMONSTRATIVE = wordSet(['ce', 'cet', 'cette', 'ces', 'this', 'that', 'these', 'those']);

/**
 * The insult describes the speaker, a pet or a thing, not someone attacked: it qualifies a thing
 * noun right after it ("a stupid mistake"), or the subject of its copula is one ("my cat is such
 * an idiot", "I'm such an idiot", "je suis une idiote").
 */
function notAboutAPerson(w: Words, wi: number, wj: number, sentence: number): boolean {
  const clause = w.clause[wj] as number;
  const next = wordInClause(w, wj + 1, clause);
  if (THING.has(next) || (ARTICLE.has(next) && THING.has(wordInClause(w, wj + 2, clause)))) return true;
  // "salope de grippe", "bitch of a flu": the insult qualifies a thing.
  if ((next === 'de' || next === 'd' || next === 'of') && THING.has(skipArticle(w, wj + 2, clause)))
    return true;
  // Self-mockery in one word: "jsuis vraiment un gros connard", "chui trop conne".
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.clause[k] === clause; k--) {
    if (SELF_COPULA.has(w.words[k] as string) && w.handle[k] !== true) return true;
  }
  // A subject named after the fact: "elle est bête, cette série", "it's so dumb this game".
  if (DEMONSTRATIVE.has(next) && THING.has(w.words[wj + 2] ?? '')) return true;
  const k = copulaBefore(w, wi, sentence);
  if (k < 0) return false;
  const subject = wordIn(w, k - 1, sentence);
  return THING.has(subject) || SELF.has(subject);
}

const NEGATION = wordSet([
  'pas',
  'jamais',
  'point',
  'aucun',
  'aucune',
  'nullement',
  'not',
  'never',
  'nt',
  'isnt',
  'arent',
  'wasnt',
  'dont',
  'doesnt',
  'aint',
  'werent',
  'no',
  'nor',
  'neither',
  'ni',
]);
// "pas que", "not only": restriction, not negation; "can't wait to": eagerness.
const NEG_BREAKERS = wordSet(['que', 'qu', 'only', 'just', 'seulement', 'wait']);
const STATEMENT_VERB = wordSet(['dis', 'dit', 'disais', 'pense', 'crois', 'trouve', 'pretends']);
// Verbs whose "n't" the normaliser splits off ("don t", "weren t"): only these make "t" a negation
// ("@lea_mrtn t'es conne" is an address, not "mrtn't").
const NT_STEM = wordSet([
  'don',
  'doesn',
  'didn',
  'isn',
  'aren',
  'wasn',
  'weren',
  'won',
  'can',
  'couldn',
  'shouldn',
  'wouldn',
  'mustn',
  'needn',
  'ain',
  'haven',
  'hasn',
  'hadn',
]);
// "if you weren't such a bitch", "si t'étais pas si conne": the condition takes the insult for true.
const CONDITION = wordSet(['if', 'si', 'unless']);

/** The negation at k sits in a condition that opens its clause (within three words). */
function counterfactual(w: Words, k: number, clause: number): boolean {
  for (let q = k - 1; q >= Math.max(0, k - 4) && w.clause[q] === clause; q--) {
    if (CONDITION.has(w.words[q] as string)) return true;
  }
  return false;
}

// Reporting and counter-speech frames that precede a quoted insult.
const REPORT_CUES: string[][] = [
  'traite de',
  'traitee de',
  'traites de',
  'traitees de',
  'traiter de',
  'traitent de',
  'traitait de',
  'traitant de',
  'traiter d',
  'traite d',
  'traitee d',
  'appele',
  'appelee',
  'appeler',
  'appelle',
  'appellent',
  'qualifie de',
  'qualifiee de',
  'insulte de',
  'insultee de',
  'insultes de',
  'insulter de',
  'm a dit',
  'm ont dit',
  'lui a dit',
  'm a ecrit',
  'm ont ecrit',
  'a ecrit',
  'arretez de',
  'arrete de',
  'arreter de',
  'arretons de',
  'on ne dit pas',
  'on dit pas',
  'faut pas dire',
  'ne dites pas',
  'dites pas',
  'le mot',
  'les mots',
  'ce mot',
  'ces mots',
  'l insulte',
  'les insultes',
  'cette insulte',
  'ces insultes',
  'des insultes',
  'insultes comme',
  'insultes du genre',
  'messages du genre',
  'messages comme',
  'des messages',
  'recu des',
  'recois des',
  'recevoir des',
  'menaces de',
  'ose dire',
  'osent dire',
  'dire que',
  'disent',
  'disait',
  'dit que',
  'dit que je suis',
  'dit que j etais',
  'on me traite',
  'me traite',
  'me traitent',
  'm a traite',
  'm appelle',
  'm appellent',
  'se faire traiter',
  'se fait traiter',
  'se faire appeler',
  'signale',
  'signaler',
  'denonce',
  'denoncer',
  'qui dit',
  'en disant',
  'called me',
  'called her',
  'called him',
  'called them',
  'called us',
  'called you',
  'calling me',
  'calling her',
  'calling him',
  'calling them',
  'calling us',
  'calling you',
  'calls me',
  'calls her',
  'calls him',
  'calls them',
  'calls us',
  'calls you',
  'calls people',
  'calling someone',
  'calling somebody',
  'call someone',
  'call somebody',
  'called someone',
  'calling women',
  'calling a woman',
  'calling a girl',
  'traiter quelqu un de',
  'traiter quelqu un d',
  'traiter une femme de',
  'traiter les gens de',
  'traiter les femmes de',
  'call me',
  'call her',
  'call him',
  'call them',
  'call people',
  'called people',
  'calling people',
  'was called',
  'were called',
  'been called',
  'got called',
  'get called',
  'being called',
  'said i was',
  'said she was',
  'said he was',
  'said we were',
  'said i m',
  'said im',
  'said ima',
  'said i am',
  'says i m',
  'says im',
  'says ima',
  'says i am',
  'says i was',
  'says she s',
  'says he s',
  'says she is',
  'says he is',
  'say i m',
  'say im',
  'say i am',
  'told me',
  'told her',
  'the word',
  'the words',
  'the term',
  'the slur',
  'slurs like',
  'words like',
  'insults like',
  'messages like',
  'tweets like',
  'comments like',
  'stop saying',
  'quit saying',
  'don t say',
  'dont say',
  'never say',
  'stop calling',
  'quit calling',
  'don t call',
  'dont call',
  'reported',
  'received',
  'receiving',
  'got messages',
  'saying that',
  'posting that',
  'posted that',
  'posts that',
  'tweeting that',
  'tweeted that',
  'tweets that',
  'claiming that',
  'claims that',
  'claimed that',
  'pretend que',
  'pretendre que',
  'pretendent que',
  'affirme que',
  'affirmer que',
  'affirment que',
  'ecrit que',
  'ecrire que',
  'said that',
  'says that',
  'wrote that',
  'tells you to',
  'tell you to',
  'told you to',
  'telling you to',
  'tells her to',
  'told him to',
  'telling her to',
  'telling me to',
  'messages saying',
  'comments saying',
  'dms saying',
  'replies saying',
  'texts saying',
  'tweets saying',
  'posts saying',
  'me dit de',
  'te dit de',
  'lui dit de',
  'm a dit de',
  'messages disant',
  'commentaires disant',
  'messages qui disent',
  'inbox',
  'insultes recues',
  'messages recus',
  'in my dms',
  'my dms today',
  'stop telling people to',
  'telling people to',
  'tell people to',
  'told people to',
  'arretez de dire aux gens de',
].map((c) => c.split(' ').map(collapse));
/** The cues by their last word: a cue ending at word k can only be one of CUES_BY_LAST[words[k]]. */
const CUES_BY_LAST = new Map<string, string[][]>();
for (const cue of REPORT_CUES) {
  const last = cue[cue.length - 1] as string;
  const list = CUES_BY_LAST.get(last);
  if (list) list.push(cue);
  else CUES_BY_LAST.set(last, [cue]);
}

// Words anywhere in the text that mark support or denunciation rather than attack.
const COUNTER_WORDS = wordSet([
  'inacceptable',
  'intolerable',
  'inadmissible',
  'soutien',
  'solidarite',
  'pharos',
  'plainte',
  'harcelement',
  'cyberharcelement',
  'signalez',
  'signalons',
  'honte',
  'unacceptable',
  'harassment',
  'support',
  'solidarity',
  'reported',
  'reporting',
  'disgusting',
  'abuse',
  'abusive',
  'cyberbullying',
  'bullying',
]);

// Inclusive-writing suffixes split off by the parentheses of "traité(e)".
const INCLUSIVE = wordSet(['e', 'es']);
const FIRST_PERSON = wordSet(['me', 'm', 'moi', 'je', 'j', 'i', 'im', 'ima', 'myself']);

export interface HitContext {
  /** Aimed at someone: second person, imperative, @mention, watched name. */
  second: boolean;
  /** A person is named as this (determiner/qualifier/copula before the term). */
  third: boolean;
  negated: boolean;
  /** Quoted or introduced by a reporting/counter-speech frame. */
  reported: boolean;
  /** Reported by the person it was said to ("il m'a traitée de …", "he called me …"): aimed at nobody. */
  selfReport: boolean;
  /** Predicated of a protected group ("muslims are vermin"): hate, whatever the word's category. */
  group: boolean;
  /** About the speaker, a pet or a thing ("I'm such a dumbass", "salope de grippe"). */
  aboutNoOne: boolean;
  /** A surname after a title ("M. Conard", "Mr Dick"). */
  surname: boolean;
}

/** A second-person word within reach of words wi..wj, in the same sentence. */
function secondNear(w: Words, wi: number, wj: number, sentence: number, reach: number): boolean {
  for (let k = Math.max(0, wi - reach); k <= Math.min(w.words.length - 1, wj + reach); k++) {
    if (k >= wi && k <= wj) continue;
    if (w.sentence[k] !== sentence) continue;
    const word = w.words[k] as string;
    if (!SECOND.has(word)) continue;
    if (POSSESSIVE.has(word) && !possessiveTargets(w, k, wi, wj)) continue;
    return true;
  }
  return false;
}

const COORD = wordSet(['and', 'or', 'et', 'ou', '&']);
// What may stand between a coordinator and the next conjunct: indefinite articles, intensifiers,
// insulting adjectives. Demonstratives, possessives and "the" start a new subject instead.
const CONJUNCT_LEAD = wordSet([
  'un',
  'une',
  'des',
  'a',
  'an',
  'some',
  ...[...ADVERB],
  'sale',
  'sales',
  'pauvre',
  'petit',
  'petite',
  'vieux',
  'vieille',
  'vrai',
  'vraie',
  'stupid',
  'dirty',
  'dumb',
  'fat',
  'ugly',
  'little',
  'total',
  'complete',
  'absolute',
  'filthy',
  'bloody',
]);
const MAX_CONJUNCTS = 5;

/**
 * The conjunct this hit is coordinated with, if any: "you're a disgrace and a clown" → "disgrace",
 * "t'es une menteuse, une hypocrite" → "menteuse". Only when that conjunct is itself predicated of
 * a person (so "the match and the clown" stays apart). Returns -1 when there is none.
 */
function coordinatedWith(w: Words, wi: number, sentence: number): number {
  let head = wi;

  for (let hop = 0; hop < MAX_CONJUNCTS; hop++) {
    let k = head - 1;
    for (let skip = 0; skip < 3 && CONJUNCT_LEAD.has(wordIn(w, k, sentence)); skip++) k--;
    const word = wordIn(w, k, sentence);
    if (word === '') return -1;
    // Coordinator word in the same clause, or a comma right before the conjunct ("X, une Y").
    let anchor: number;
    if (COORD.has(word) && w.clause[k] === w.clause[head]) anchor = k - 1;
    else if (w.clause[k] !== w.clause[k + 1]) anchor = k;
    else return -1;
    if (wordIn(w, anchor, sentence) === '') return -1;
    if (thirdPerson(w, anchor, sentence)) return anchor;
    // The anchor may itself be a later conjunct of a list: keep walking left.
    head = anchor;
  }
  return -1;
}

export function hitContext(
  w: Words,
  s: number,
  e: number,
  nameSentences: ReadonlySet<number>,
  needsTarget: boolean,
): HitContext {
  const wi = wordAt(w, s);
  const wj = Math.max(wi, wordAt(w, e - 1));
  const sentence = w.sentence[wi] as number;
  const clause = w.clause[wi] as number;
  let second = w.hasMention || nameSentences.has(sentence);
  // Ambiguous words ("nul", "con") need the second person close by; clear abuse, anywhere near.
  const reach = needsTarget ? 4 : 6;
  if (!second) second = secondNear(w, wi, wj, sentence, reach);
  // A phrase that holds its own address: "t'es débile", "ta gueule", "you're a joke".
  for (let k = wi; k <= wj && !second; k++) if (SECOND.has(w.words[k] as string)) second = true;
  if (!second) {
    // A sentence that is little more than the insult is a vocative ("Connard !", "Idiot.").
    let count = 0;
    for (let k = 0; k < w.words.length; k++) if (w.sentence[k] === sentence) count++;
    if (count - (wj - wi + 1) <= 1) second = true;
  }
  if (!second) {
    let first = wi;
    while (first > 0 && w.sentence[first - 1] === sentence) first--;
    if (first < wi && IMPERATIVE.has(w.words[first] as string)) second = true;
  }
  if (!second && trailingVocative(w, wi, wj, sentence, clause)) second = true;
  let third = thirdPerson(w, wi, sentence, wj);
  if (!third || !second) {
    // A coordinated conjunct shares its target: "you're a disgrace and a clown".
    const anchor = coordinatedWith(w, wi, sentence);
    if (anchor >= 0) {
      third = true;
      if (!second) second = secondNear(w, anchor, anchor, sentence, reach);
    }
  }
  const group = third && groupSubject(w, wi, sentence);
  // A word that needs a target finds none in the speaker, a pet or a thing ("ton chien est con" is
  // handled by the possessive rule; "my cat is such an idiot", "a stupid mistake" here).
  const aboutNoOne = notAboutAPerson(w, wi, wj, sentence);
  if (needsTarget && aboutNoOne) {
    second = false;
    third = false;
  }
  // Not the tail of a handle cut at '_' ("@julie_m t'es une idiote").
  const surname = TITLE.has(w.words[wi - 1] ?? '') && w.handle[wi - 1] !== true && w.handle[wi - 2] !== true;
  let negated = false;
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.clause[k] === clause; k--) {
    const word = w.words[k] as string;
    const isNeg =
      NEGATION.has(word) ||
      (word === 't' && k > 0 && NT_STEM.has(w.words[k - 1] as string) && w.clause[k - 1] === clause);
    if (isNeg) {
      const after = w.words[k + 1] ?? '';
      // "pas que" restricts ("t'es pas qu'une idiote"), except after a verb of saying or thinking:
      // "je dis pas que t'es nul" denies the whole statement.
      const denied = NEG_BREAKERS.has(after) && STATEMENT_VERB.has(w.words[k - 1] ?? '');
      if ((!NEG_BREAKERS.has(after) || denied) && !counterfactual(w, k, clause)) negated = true;
      break;
    }
  }
  let reported = w.quoted[wi] === true;
  let selfReport = false;
  // The words before the hit, skipping inclusive-writing suffixes: "traité(e) de" → "traite de".
  const before: number[] = [];
  /** Whether before[i] is in the hit's clause (bridging "(e)" as well). */
  const sameClause: boolean[] = [];
  let cur = sentence;
  let inClause = true;
  for (let k = wi - 1; k >= 0 && before.length < 8; k--) {
    if (INCLUSIVE.has(w.words[k] as string)) continue;
    const bridged = INCLUSIVE.has(w.words[k + 1] as string);
    if (w.sentence[k] !== cur) {
      if (!bridged) break;
      cur = w.sentence[k] as number;
    }
    if (w.clause[k] !== w.clause[k + 1] && !bridged) inClause = false;
    before.push(k);
    sameClause.push(inClause);
  }
  // A clause that addresses someone itself is not part of an earlier report: "you called me a
  // liar, you idiot", "tu m'as traitée de menteuse, espèce de connard".
  const addressed = addressedInClause(w, wi, clause);
  for (let end = 0; !reported && end < before.length; end++) {
    if (addressed && sameClause[end] !== true) break;
    const cues = CUES_BY_LAST.get(w.words[before[end] as number] as string);
    if (cues === undefined) continue;
    for (const cue of cues) {
      if (end + cue.length > before.length) continue;
      let ok = true;
      for (let c = 0; c < cue.length && ok; c++)
        ok = w.words[before[end + c] as number] === cue[cue.length - 1 - c];
      if (ok) {
        reported = true;
        // Said to the speaker ("m'a traitée de", "called me", "said I was"), in the hit's clause.
        const last = Math.min(before.length, end + cue.length + 2);
        for (let c = end; c < last && sameClause[c] === true; c++) {
          if (FIRST_PERSON.has(w.words[before[c] as number] as string)) selfReport = true;
        }
        break;
      }
    }
  }
  return { second, third, negated, reported, selfReport, group, aboutNoOne, surname };
}

// Words that open an address to someone within a clause: a second-person word, "espèce de", "sale".
const VOCATIVE_LEAD = wordSet([...SECOND, 'espece', 'sale', 'sales', 'bande', 'pauvre', 'sacre', 'sacree']);

/** The hit's clause, up to its first word, speaks to someone. */
function addressedInClause(w: Words, wi: number, clause: number): boolean {
  for (let k = wi; k >= 0 && w.clause[k] === clause; k--) {
    if (VOCATIVE_LEAD.has(w.words[k] as string)) return true;
  }
  return false;
}

/**
 * An insult alone in the last clause of a sentence that speaks to someone is a vocative: "you
 * should be locked up, psycho", "ferme-la, connard".
 */
function trailingVocative(w: Words, wi: number, wj: number, sentence: number, clause: number): boolean {
  let addressed = false;
  for (let k = 0; k < w.words.length; k++) {
    if (w.sentence[k] !== sentence) continue;
    if (k >= wi && k <= wj) continue;
    if (w.clause[k] === clause || k > wj) return false; // not alone, or not the last clause
    if (SECOND.has(w.words[k] as string) || IMPERATIVE.has(w.words[k] as string)) addressed = true;
  }
  return addressed;
}

// Affection in the same post makes mild insults banter: "t'es con, je t'adore", "you're so dumb
// I love you".
const AFFECTION: string[][] = [
  'je t adore',
  'je t aime',
  'je vous adore',
  'je vous aime',
  'jtm',
  'jtd',
  'love you',
  'love u',
  'luv you',
  'luv u',
  'ily',
  'ilysm',
  'bisous',
  'love ya',
  'je l adore',
  'i love it',
].map((c) => c.split(' ').map(collapse));

const AFFECTION_BY_FIRST = new Map<string, string[][]>();
for (const phrase of AFFECTION) {
  const first = phrase[0] as string;
  AFFECTION_BY_FIRST.set(first, [...(AFFECTION_BY_FIRST.get(first) ?? []), phrase]);
}

/** Post-wide markers, found in one pass over the words (see postMarkers). */
export const COUNTER_MARK = 1;
export const AFFECTION_MARK = 2;

/** COUNTER_MARK when a word marks support or denunciation, AFFECTION_MARK when affection is expressed. */
export function postMarkers(w: Words): number {
  let marks = 0;
  for (let k = 0; k < w.words.length && marks !== (COUNTER_MARK | AFFECTION_MARK); k++) {
    const word = w.words[k] as string;
    if (COUNTER_WORDS.has(word)) marks |= COUNTER_MARK;
    const phrases = AFFECTION_BY_FIRST.get(word);
    if (phrases === undefined) continue;
    for (const phrase of phrases) {
      let ok = k + phrase.length <= w.words.length;
      for (let c = 1; c < phrase.length && ok; c++) ok = w.words[k + c] === phrase[c];
      if (ok) marks |= AFFECTION_MARK;
    }
  }
  return marks;
}
