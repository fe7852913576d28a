// French/English detection from function words: cheap, and good enough to pick a lexicon's
// mono-lingual entries and the output's `lang`. French wins ties (French comes first for Vigie).
import type { Lang } from './types.ts';
import { collapse, type Words } from './context.ts';

const FR = wordSet([
  'le', 'la', 'les', 'un', 'une', 'des', 'de', 'du', 'et', 'est', 'je', 'tu', 'il', 'elle', 'nous', 'vous',
  'ils', 'elles', 'que', 'qui', 'pas', 'ne', 'ce', 'cette', 'c', 'ca', 'mais', 'ou', 'pour', 'sur', 'dans',
  'avec', 'au', 'aux', 'mon', 'ma', 'mes', 'ton', 'ta', 'tes', 'son', 'sa', 'ses', 'on', 'y', 'en', 'suis',
  'sont', 'ai', 'es', 'qu', 'j', 't', 'l', 'd', 'm', 'n', 's', 'toi', 'moi', 'te', 'me', 'se', 'trop', 'tres',
  'bien', 'fait', 'faire', 'va', 'vais', 'par', 'plus', 'tout', 'tous', 'comme', 'quand', 'aussi', 'meme',
  'encore', 'alors', 'donc', 'oui', 'non', 'merci', 'bonjour', 'salut', 'jamais', 'rien', 'avoir', 'etre',
  'cest', 'jsuis', 'jpp', 'mdr', 'ptdr', 'wesh', 'frere', 'gros', 'sale', 'putain', 'quoi', 'vraiment',
]);
const EN = wordSet([
  'the', 'a', 'an', 'and', 'is', 'are', 'was', 'were', 'i', 'you', 'he', 'she', 'it', 'we', 'they', 'that',
  'this', 'of', 'to', 'in', 'for', 'on', 'with', 'my', 'your', 'his', 'her', 'not', 'be', 'have', 'has', 'do',
  'does', 'what', 'so', 'just', 'at', 'but', 'if', 'or', 'from', 'by', 'all', 'me', 'him', 'them', 'our',
  'their', 'no', 'yes', 'will', 'would', 'can', 'get', 'got', 'like', 'out', 'up', 'about', 'who', 'how',
  'why', 'when', 'been', 'im', 'dont', 'its', 'u', 'ur', 'youre', 'thanks', 'love', 'really', 'very', 'go',
  'lol', 'omg', 'people', 'shut', 'should', 'never', 'because', 'there', 'here', 'than', 'then',
]);

function wordSet(words: string[]): Set<string> {
  return new Set(words.map(collapse));
}

const reFrenchChars = /[àâçéèêëîïôûùüÿœ]/i;

export function detectLang(words: Words, original: string): Lang {
  let fr = reFrenchChars.test(original) ? 2 : 0;
  let en = 0;
  for (const w of words.words) {
    if (FR.has(w)) fr++;
    if (EN.has(w)) en++;
  }
  return en > fr ? 'en' : 'fr';
}

export function parseLang(lang: string | undefined): Lang | null {
  if (lang === undefined) return null;
  const l = lang.trim().toLowerCase();
  if (l === 'fr' || l.startsWith('fr-') || l.startsWith('fr_') || l === 'fra' || l === 'french') return 'fr';
  if (l === 'en' || l.startsWith('en-') || l.startsWith('en_') || l === 'eng' || l === 'english') return 'en';
  return null;
}
