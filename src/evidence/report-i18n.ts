// Words of the dossier report, in French and English. `both` prints the two side by side, so one
// printed report serves a French court and an English-speaking platform.

import { categoryName, levelName } from '../vocabulary/abuse-words.ts';

export type ReportLang = 'fr' | 'en' | 'both';

/** A level or a list of categories in the report's language(s), from the vocabulary the dashboard and mails share. */
export function levelWords(lang: ReportLang, level: string): string {
  return lang === 'both' ? `${levelName('fr', level)} / ${levelName('en', level)}` : levelName(lang, level);
}

export function categoryWords(lang: ReportLang, categories: readonly string[]): string {
  const list = (l: 'fr' | 'en') => categories.map((c) => categoryName(l, c)).join(', ');
  return lang === 'both' ? `${list('fr')} / ${list('en')}` : list(lang);
}

const WORDS = {
  title: ['Dossier de preuves', 'Evidence dossier'],
  watch: ['Personne protégée (veille)', 'Protected person (watch)'],
  generated: ['Généré le', 'Generated on'],
  period: ['Période', 'Period'],
  minLevel: ['Niveau minimal', 'Minimum level'],
  postsCount: ['Publications', 'Posts'],
  ledgerHead: ['Empreinte de tête du journal', 'Ledger head hash'],
  summary: ['Résumé par catégorie', 'Summary by category'],
  timeline: ['Chronologie de la vague', 'Timeline of the wave'],
  author: ['Auteur', 'Author'],
  url: ['Adresse (URL)', 'URL'],
  published: ['Publié le', 'Published'],
  seen: ['Vu par Vigie le', 'Seen by Vigie'],
  text: ['Texte exact', 'Exact text'],
  textCut: [
    'texte trop long pour ce rapport, coupé ici ; il figure en entier dans posts.jsonl, caractères au total :',
    'text too long for this report, cut here; it is whole in posts.jsonl, characters in all:',
  ],
  archive: ['Copie Wayback Machine', 'Wayback Machine copy'],
  noArchive: ['pas de copie', 'no copy'],
  sha: ['SHA-256 du contenu brut', 'SHA-256 of the raw payload'],
  level: ['Niveau', 'Level'],
  categories: ['Catégories', 'Categories'],
  humanLabel: ['Marqué hostile par une personne', 'Marked hostile by a person'],
  deleted: ['Supprimée en ligne depuis le', 'Deleted online since'],
  verifyTitle: ['Comment vérifier ce dossier', 'How to verify this dossier'],
  none: ['aucune', 'none'],
  all: ['tout', 'all'],
  day: ['Jour', 'Day'],
  hour: ['Heure', 'Hour'],
  count: ['Nombre', 'Count'],
  cat_threat: ['Menaces (de mort, de viol, de crime)', 'Threats (death, rape, crime)'],
  cat_sexual_harassment: ['Harcèlement sexuel', 'Sexual harassment'],
  cat_suicide_incitement: ['Provocation au suicide', 'Incitement to suicide'],
  cat_doxxing: ['Divulgation d’informations personnelles', 'Doxxing (private information exposed)'],
  cat_impersonation: ['Usurpation d’identité', 'Impersonation (identity theft)'],
  cat_hate: ['Provocation à la haine', 'Hate'],
  cat_insult: ['Injures', 'Insults'],
  cat_other: ['Autres contenus hostiles ou signalés', 'Other hostile or flagged content'],
  // Levels, categories, review statuses and report channels: the stored keys, in words.
  level_none: ['aucun', 'none'],
  level_low: ['faible', 'low'],
  level_medium: ['moyen', 'medium'],
  level_high: ['élevé', 'high'],
  level_severe: ['grave', 'severe'],
  category_insult: ['injure', 'insult'],
  category_threat: ['menace', 'threat'],
  category_sexual_harassment: ['harcèlement sexuel', 'sexual harassment'],
  category_suicide_incitement: ['provocation au suicide', 'incitement to suicide'],
  category_hate: ['provocation à la haine', 'hate'],
  category_doxxing_language: ['menace de divulgation', 'doxxing language'],
  category_profanity: ['grossièreté', 'profanity'],
  category_doxxing: ['divulgation d’informations personnelles', 'doxxing'],
  category_impersonation: ['usurpation d’identité', 'impersonation'],
  status_new: ['non examinée', 'not reviewed'],
  status_reviewed: ['examinée', 'reviewed'],
  status_reported: ['signalée', 'reported'],
  status_ignored: ['écartée', 'set aside'],
  status_harmless: ['jugée sans danger', 'marked harmless'],
  channel_platform: ['signalement à la plateforme', 'report to the platform'],
  channel_pharos: [
    'signalement PHAROS (internet-signalement.gouv.fr)',
    'PHAROS report (internet-signalement.gouv.fr)',
  ],
  channel_point_de_contact: ['signalement Point de Contact', 'Point de Contact report'],
  channel_complaint: ['plainte', 'complaint to the police or prosecutor'],
  review: ['Décision de revue', 'Review decision'],
  reports: ['Signalements effectués', 'Reports filed'],
  noReport: ['aucun signalement enregistré', 'no report recorded'],
  reportBy: ['par', 'by'],
  reference: ['référence', 'reference'],
  offence: [
    'Infraction possible (à qualifier par un avocat ou le parquet)',
    'Possible offence in French law (for a lawyer or prosecutor to qualify)',
  ],
  // The one-page summary of a post.
  summaryTitle: ['Fiche de la publication', 'Post summary'],
  publishedLocal: ['Publié le (heure locale)', 'Published (local time)'],
  capture: ['Capture de la page', 'Page capture'],
  noCapture: [
    'Pas de capture d’écran de cette publication dans ce dossier.',
    'No screenshot of this post in this dossier.',
  ],
  captureFiles: ['Fichiers de capture (SHA-256)', 'Capture files (SHA-256)'],
  summaryFooter: [
    'Extrait d’un dossier Vigie : le dossier complet (manifest.json, ledger.jsonl, posts.jsonl) permet de vérifier chaque empreinte.',
    'Part of a Vigie dossier: the whole dossier (manifest.json, ledger.jsonl, posts.jsonl) lets anyone check every fingerprint.',
  ],
  // The offence each group may fall under in French law; a lead for the reader, not a qualification.
  law_threat: [
    'Menaces : art. 222-17 du code pénal (menace de crime ou de délit contre les personnes, matérialisée par un écrit ou une image) ; art. 222-18 si elle est faite avec l’ordre de remplir une condition.',
    'Threats: French Penal Code art. 222-17 (threat of a crime or offence against a person, made in writing or as an image); art. 222-18 when made with an order to fulfil a condition.',
  ],
  law_sexual_harassment: [
    'Harcèlement sexuel : art. 222-33 du code pénal.',
    'Sexual harassment: French Penal Code art. 222-33.',
  ],
  law_suicide_incitement: [
    'Provocation au suicide : art. 223-13 du code pénal.',
    'Incitement to suicide: French Penal Code art. 223-13.',
  ],
  law_doxxing: [
    'Divulgation d’informations permettant d’identifier ou de localiser une personne pour l’exposer à un risque : art. 223-1-1 du code pénal.',
    'Disclosing information that identifies or locates a person so as to expose them to a risk: French Penal Code art. 223-1-1.',
  ],
  law_impersonation: [
    'Usurpation d’identité, y compris en ligne : art. 226-4-1 du code pénal.',
    'Impersonation, including online: French Penal Code art. 226-4-1.',
  ],
  law_hate: [
    'Provocation à la haine ou à la violence en raison de l’origine, de la religion, du sexe, de l’orientation sexuelle, de l’identité de genre ou du handicap : loi du 29 juillet 1881, art. 24.',
    'Incitement to hatred or violence on grounds of origin, religion, sex, sexual orientation, gender identity or disability: Press Law of 29 July 1881, art. 24.',
  ],
  law_insult: [
    'Injure publique : loi du 29 juillet 1881, art. 29 (définition) et 33 (peines, aggravées quand l’injure vise l’origine, la religion, le sexe, l’orientation sexuelle, l’identité de genre ou le handicap).',
    'Public insult: Press Law of 29 July 1881, art. 29 (definition) and 33 (penalties, heavier when the insult targets origin, religion, sex, sexual orientation, gender identity or disability).',
  ],
  law_other: ['À qualifier au cas par cas.', 'To be qualified case by case.'],
  law_harassment: [
    'Des messages répétés, ou envoyés par plusieurs personnes de façon concertée ou en sachant qu’ils s’ajoutent les uns aux autres (« raid »), peuvent constituer un harcèlement moral en ligne : art. 222-33-2-2 du code pénal.',
    'Repeated messages, or messages sent by several people in concert or knowing they add up (a "raid"), may amount to online harassment: French Penal Code art. 222-33-2-2.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type WordKey = keyof typeof WORDS;

/** The word for a stored key (`level_high`, `category_threat`…), or the key itself when unknown. */
export function wordFor(t: (key: WordKey) => string, prefix: string, key: string): string {
  const k = `${prefix}_${key}`;
  return k in WORDS ? t(k as WordKey) : key;
}

export function translator(lang: ReportLang): (key: WordKey) => string {
  return (key) => {
    const [fr, en] = WORDS[key];
    return lang === 'fr' ? fr : lang === 'en' ? en : `${fr} / ${en}`;
  };
}

/** Plain-words verification steps; `tsa` adds the trusted-timestamp step. */
export function verifySteps(lang: ReportLang, tsa: boolean): string[][] {
  const fr = [
    'Chaque fichier de ce dossier a une empreinte SHA-256 : un code calculé à partir de son contenu exact. Changer un seul caractère change l’empreinte.',
    'Le fichier manifest.json liste l’empreinte de chaque fichier ; manifest.json.sha256 contient celle de manifest.json. Sous Linux ou macOS : « sha256sum -c manifest.json.sha256 », puis « sha256sum report.html posts.csv posts.jsonl ledger.jsonl » et comparer avec manifest.json. Ou : « vigie verify dossier.zip ».',
    'posts.jsonl contient chaque publication exactement telle que la plateforme l’a envoyée (champ raw) et son empreinte (rawSha256) : la recalculer prouve que le contenu est celui reçu.',
    'ledger.jsonl est le journal de conservation : chaque événement (capture, score, archivage, suppression en ligne, export) contient l’empreinte du précédent. Modifier, retirer ou réordonner un événement casse la chaîne. L’empreinte de tête ci-dessus peut être comparée au journal de l’instance Vigie, qui continue à partir d’elle.',
    'Le lien Wayback Machine mène à une copie indépendante conservée par l’Internet Archive, un tiers.',
  ];
  const en = [
    'Every file of this dossier has a SHA-256 fingerprint: a code computed from its exact content. Changing a single character changes the fingerprint.',
    'manifest.json lists every file’s fingerprint; manifest.json.sha256 holds manifest.json’s own. On Linux or macOS: "sha256sum -c manifest.json.sha256", then "sha256sum report.html posts.csv posts.jsonl ledger.jsonl" and compare with manifest.json. Or: "vigie verify dossier.zip".',
    'posts.jsonl holds every post exactly as the platform sent it (field raw) with its fingerprint (rawSha256): recomputing it proves the content is what was received.',
    'ledger.jsonl is the custody log: every event (capture, score, archive, deletion upstream, export) holds the fingerprint of the previous one. Changing, removing or reordering an event breaks the chain. The head hash above can be compared with the Vigie instance’s log, which keeps growing from it.',
    'The Wayback Machine link leads to an independent copy kept by the Internet Archive, a third party.',
  ];
  if (tsa) {
    fr.push(
      'manifest.json.tsr est un horodatage RFC 3161 de manifest.json par une autorité d’horodatage : « openssl ts -reply -in manifest.json.tsr -text » montre la date et l’empreinte horodatée. « vigie verify dossier.zip --tsa-cert autorite.pem » vérifie aussi la signature de l’autorité avec son certificat publié ; « openssl ts -verify -data manifest.json -in manifest.json.tsr -CAfile autorite.pem » en est une vérification indépendante.',
    );
    en.push(
      'manifest.json.tsr is an RFC 3161 timestamp of manifest.json by a timestamp authority: "openssl ts -reply -in manifest.json.tsr -text" shows the date and the time-stamped fingerprint. "vigie verify dossier.zip --tsa-cert authority.pem" also checks the authority’s signature against its published certificate; "openssl ts -verify -data manifest.json -in manifest.json.tsr -CAfile authority.pem" is an independent check.',
    );
  }
  return lang === 'fr' ? [fr] : lang === 'en' ? [en] : [fr, en];
}
