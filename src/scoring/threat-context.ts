// Context rules that decide whether a threat or a doxxing phrase is one: a meeting between friends
// ("on va te retrouver au resto"), trash talk in a game ("destroy you in smash"), a figure of speech
// about one's own kin ("je vais le tuer mon frère"), a street named as a place rather than as
// someone's home.
import { SELF, wordAt, wordIn, wordInClause, wordSet, type Words } from './context.ts';

// After "on va te retrouver" / "we will find you", words that make it a threat, not a meeting.
const MENACE_PLACE = wordSet([
  'chez',
  'maison',
  'rue',
  'adresse',
  'famille',
  'enfants',
  'gosses',
  'mere',
  'travail',
  'boulot',
  'taf',
  'ecole',
  'irl',
  'home',
  'house',
  'address',
  'family',
  'kids',
  'children',
  'street',
  'work',
  'job',
  'school',
  'mom',
  'mother',
  'wherever',
  'partout',
  'soon',
  'bientot',
  'tot',
  'toi',
  'te',
  't',
  'you',
  // Coming with a group is a threat: "je t'attends devant le lycée avec mes reufs".
  'reufs',
  'freres',
  'potes',
  'gars',
  'lads',
  'boys',
  'mates',
]);

/**
 * A meeting phrase ("on va te retrouver au resto", "we will find you there") followed by an
 * ordinary complement is no threat. Alone, or followed by home, family, work, "wherever you are",
 * or another hit in its clause, it stays one.
 */
export function meetingNotThreat(
  w: Words,
  hit: { s: number; e: number },
  hits: readonly { s: number }[],
): boolean {
  const wj = wordAt(w, hit.e - 1);
  const clause = w.clause[wj] as number;
  let next = 0;
  for (let k = wj + 1; k < w.words.length && k <= wj + 6 && w.clause[k] === clause; k++) {
    if (MENACE_PLACE.has(w.words[k] as string)) return false;
    next++;
  }
  if (next === 0) return false;
  for (const other of hits) if (other.s >= hit.e && w.clause[wordAt(w, other.s)] === clause) return false;
  return true;
}

// Games and matches: a threat played out in one is trash talk ("I'm gonna destroy you in smash",
// "je vais te défoncer à FIFA", "murder you at chess").
const GAME_LEAD = wordSet(['in', 'at', 'on', 'a', 'au', 'aux', 'en', 'sur']);
const GAME = wordSet([
  'chess',
  'echecs',
  'smash',
  'fifa',
  'fortnite',
  'cod',
  'warzone',
  'valorant',
  'league',
  'apex',
  'overwatch',
  'minecraft',
  'mario',
  'mariokart',
  'kart',
  'tekken',
  'tennis',
  'ping',
  'pingpong',
  'poker',
  'monopoly',
  'scrabble',
  'uno',
  'bowling',
  'darts',
  'pool',
  'golf',
  'padel',
  'badminton',
  'squash',
  'cards',
  'cartes',
  'babyfoot',
  'belote',
  'tarot',
  'petanque',
  'game',
  'games',
  'match',
  'rematch',
  'round',
  'ranked',
  '1v1',
  'finale',
  'final',
  'tournament',
  'tournoi',
  'partie',
  'quiz',
  'trivia',
  'pictionary',
  'karaoke',
  'muscu',
  'course',
  'race',
  'foot',
  'basket',
  'period',
  'quarter',
  'innings',
  'fut',
]);
// One's own family or friends after a threat make it a figure of speech: "je vais le tuer mon
// frère, il a fini le Nutella". Their possessive must be the speaker's ("ton frère" stays a threat).
const OWN = wordSet(['mon', 'ma', 'my']);
const KIN = wordSet([
  'frere',
  'soeur',
  'mere',
  'pere',
  'daron',
  'daronne',
  'coloc',
  'cousin',
  'cousine',
  'mec',
  'copain',
  'copine',
  'pote',
  'fils',
  'fille',
  'gosse',
  'brother',
  'bro',
  'sister',
  'sis',
  'mum',
  'mom',
  'dad',
  'roommate',
  'flatmate',
  'husband',
  'wife',
  'bf',
  'gf',
  'boyfriend',
  'girlfriend',
  'son',
  'daughter',
  'kid',
  'kids',
  'cat',
  'dog',
  'chat',
  'chien',
]);

/** A threat made in a game ("destroy you in smash") or at one's own kin ("je vais le tuer mon frère"). */
export function playfulThreat(w: Words, e: number): boolean {
  const wj = wordAt(w, e - 1);
  const clause = w.clause[wj] as number;
  for (let k = wj + 1; k <= wj + 4; k++) {
    const word = wordInClause(w, k, clause);
    if (word === '') return false;
    if (GAME_LEAD.has(word)) {
      for (let q = k + 1; q <= k + 3; q++) if (GAME.has(wordInClause(w, q, clause))) return true;
    }
    if (OWN.has(word) && KIN.has(wordInClause(w, k + 1, clause))) return k === wj + 1;
  }
  return false;
}

// Doxxing by address: a street word counts when it follows a verb of dwelling ("elle habite rue…",
// "lives on Maple Ave") or a house number in a post that speaks of a home ("found your address,
// 14 Elm Street"). "Brocante au 14 rue des Lilas" gives a place, not someone's home.
const DWELL = wordSet([
  'habite',
  'habites',
  'habitent',
  'vit',
  'vivent',
  'demeure',
  'lives',
  'live',
  'living',
  'resides',
]);
const HOME = wordSet([
  ...DWELL,
  'domicile',
  'adresse',
  'address',
  'house',
  'home',
  'door',
  'porte',
  'etage',
  'floor',
  'flat',
  'apartment',
  'appart',
  'appartement',
  'maison',
]);
const HOUSE_NUMBER = /^[0-9]{1,4}[a-z]?$/;

/** The street word at stream position s gives someone's home address (not the speaker's own). */
export function addressGiven(w: Words, s: number): boolean {
  const wi = wordAt(w, s);
  const sentence = w.sentence[wi] as number;
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.sentence[k] === sentence; k--) {
    if (DWELL.has(w.words[k] as string)) return !SELF.has(wordIn(w, k - 1, sentence));
  }
  let numbered = false;
  for (let k = wi - 1; k >= Math.max(0, wi - 3) && w.sentence[k] === sentence && !numbered; k--) {
    numbered = HOUSE_NUMBER.test(w.words[k] as string);
  }
  if (!numbered) return false;
  // Someone else's home: the post speaks of one and names a person ("found your address, 14 Elm
  // Street"), not a business announcing its own ("notre atelier déménage : nouvelle adresse…").
  let home = false;
  let person = w.hasMention;
  for (let k = 0; k < w.words.length && !(home && person); k++) {
    const word = w.words[k] as string;
    if (HOME.has(word) && !SELF.has(w.words[k - 1] ?? '')) home = true;
    if (SOMEONE.has(word)) person = true;
  }
  return home && person;
}
// Second- and third-person words: the address is someone's.
const SOMEONE = wordSet([
  'your',
  'ur',
  'ton',
  'ta',
  'tes',
  'her',
  'his',
  'sa',
  'son',
  'ses',
  'il',
  'elle',
  'she',
  'he',
  'lui',
  'him',
  't',
  'tu',
]);

// A call to action ("à vous de jouer", "faites tourner", "you know what to do") is a doxxing call
// when the post also locates a person: where they live, work or study, their street, car or plate.
// "Chat perdu, faites tourner" locates no one; "elle bosse à la pharmacie de Roubaix, à vous de
// jouer" does.
const LOCATOR = wordSet([
  ...DWELL,
  'bosse',
  'bosses',
  'travaille',
  'taf',
  'boulot',
  'lycee',
  'college',
  'ecole',
  'fac',
  'adresse',
  'rue',
  'bd',
  'boulevard',
  'avenue',
  'quartier',
  'immeuble',
  'interphone',
  'plaque',
  'parking',
  'works',
  'work',
  'school',
  'address',
  'street',
  'plate',
  'apartment',
  'flat',
  'neighbourhood',
  'neighborhood',
  'dorm',
  'office',
  'house',
  'shift',
  'branch',
  'store',
  'shop',
  'job',
  'gym',
  'campus',
  'class',
  'building',
  'church',
  'classe',
  'cabinet',
  'magasin',
  'boutique',
  'salle',
]);
const PERSON_MARK = wordSet([
  'il',
  'elle',
  'lui',
  'she',
  'he',
  'her',
  'him',
  'his',
  'sa',
  'son',
  'ses',
  'guy',
  'girl',
  'woman',
  'man',
  'mec',
  'meuf',
  'nana',
  'type',
  'gars',
]);

/** The post locates a person: a handle or a third-person word, and where they live, work or study. */
export function calloutGiven(w: Words): boolean {
  let located = false;
  let person = w.hasMention;
  for (let k = 0; k < w.words.length && !(located && person); k++) {
    const word = w.words[k] as string;
    if (LOCATOR.has(word)) located = true;
    else if (PERSON_MARK.has(word)) person = true;
  }
  return located && person;
}
