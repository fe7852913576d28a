// Words of the dossier report, in French and English. `both` prints the two side by side, so one
// printed report serves a French court and an English-speaking platform.

export type ReportLang = 'fr' | 'en' | 'both';

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
} as const satisfies Record<string, readonly [string, string]>;

export type WordKey = keyof typeof WORDS;

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
