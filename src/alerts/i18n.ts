// The words of every message, in French and English. Plain-spoken, never blaming the person, and
// always ending with where to get help.

export type Lang = 'fr' | 'en';

const fr = {
  levels: { none: 'neutres', low: 'faibles', medium: 'moyens', high: 'élevés', severe: 'graves' } as Record<
    string,
    string
  >,
  categories: {
    insult: 'Insultes',
    threat: 'Menaces',
    sexual_harassment: 'Harcèlement sexuel',
    suicide_incitement: 'Incitation au suicide',
    hate: 'Haine',
    doxxing_language: 'Appels à divulguer des informations personnelles',
    profanity: 'Grossièretés',
    doxxing: 'Informations personnelles exposées',
    impersonation: 'Usurpation d’identité',
  } as Record<string, string>,
  periods: { hourly: 'de l’heure', daily: 'du jour', weekly: 'de la semaine' } as Record<string, string>,
  digestTitle: (period: string) => `Votre résumé ${period}`,
  digestSubject: (date: string, hostile: number, trend: string) =>
    hostile === 0
      ? `Vigie — résumé du ${date} : rien de préoccupant`
      : `Vigie — résumé du ${date} : ${hostile} message(s) hostile(s)${trend ? ` (${trend})` : ''}`,
  periodLine: (from: string, to: string) => `Période : du ${from} au ${to}`,
  ownerIntro:
    'Voici ce qui s’est passé, sans le contenu des messages : vos proches de confiance les lisent pour vous. Rien de tout cela n’est de votre faute, et vous n’avez rien à faire.',
  proxyIntro:
    'Voici le résumé de la période. Les mots blessants sont masqués ; le lien « voir » ouvre le message dans le tableau de bord.',
  reviewerIntro: 'Voici le résumé de la période, pour le dossier.',
  mentions: (n: number) => `${n} mention(s) au total`,
  hostileCount: (n: number) => `${n} message(s) hostile(s)`,
  trendUp: (pct: string) => `en hausse de ${pct} par rapport à la période précédente`,
  trendDown: (pct: string) => `en baisse de ${pct} par rapport à la période précédente`,
  trendSame: 'stable par rapport à la période précédente',
  trendNew: 'aucun la période précédente',
  trendShortUp: 'en hausse',
  trendShortDown: 'en baisse',
  byLevel: 'Par gravité',
  byCategory: 'Par type',
  none: 'aucun',
  waveTitle: 'Vague',
  waveOngoing: (since: string, count: number) =>
    `Une vague est en cours depuis le ${since} (${count} messages hostiles jusqu’ici). Vos proches suivent la situation.`,
  waveEnded: (at: string) => `La vague s’est calmée le ${at}.`,
  waveNone: 'Pas de vague en ce moment.',
  evidenceTitle: 'Preuves',
  evidence: (a: number, p: number, f: number) => `${a} archivée(s), ${p} en attente, ${f} en échec`,
  evidenceUnknown: 'état inconnu (l’archivage n’est pas encore disponible)',
  actionsTitle: 'Ce qui a été fait',
  actionsArchived: (n: number) => `${n} message(s) conservé(s) comme preuve`,
  actionsAlerts: (n: number) => `${n} alerte(s) envoyée(s) à vos proches de confiance`,
  repeatTitle: 'Nouveaux auteurs récurrents',
  repeatCount: (n: number) => `${n} compte(s) ont écrit plusieurs messages hostiles`,
  topTitle: 'Messages les plus graves',
  reveal: 'voir dans le tableau de bord',
  openDashboard: 'Ouvrir le tableau de bord',
  unsubscribe: 'Ne plus recevoir ce résumé',
  alertSubject: (cat: string) => `Vigie — alerte : ${cat}`,
  alertsGroupedSubject: (n: number) => `Vigie — ${n} messages demandent votre attention`,
  alertIntro: 'Un message qui demande une attention rapide vient d’être trouvé.',
  alertsGroupedIntro: (n: number) =>
    `${n} messages qui demandent une attention rapide ont été trouvés. Pour ne pas multiplier les e-mails, ils sont regroupés ici.`,
  alertOwnerIntro:
    'Un message préoccupant a été trouvé. Vos proches de confiance sont prévenus et s’en occupent ; vous n’avez pas besoin de le lire.',
  alertAdvice:
    'Conseil : ne répondez pas à l’auteur. Conservez la preuve (c’est automatique) et, en cas de menace, signalez-la sur PHAROS ou à la police.',
  waveStartSubject: 'Vigie — une vague de messages hostiles a commencé',
  waveStartIntro: (count: number, baseline: string) =>
    `Depuis peu, les messages hostiles arrivent bien plus vite que d’habitude : ${count} dans l’heure la plus chargée (habituellement ${baseline} par heure).`,
  waveStartAdvice:
    'Il peut être utile de passer les comptes de la personne en privé, de filtrer les mentions et de lui éviter de lire les réponses.',
  allClearSubject: 'Vigie — la vague s’est calmée',
  allClearIntro: (from: string, to: string, count: number) =>
    `La vague de messages hostiles commencée le ${from} s’est calmée le ${to}. Elle a compté ${count} messages hostiles ; tous ont été conservés.`,
  allClearOwner: 'Le calme est revenu. Prenez soin de vous ; vos proches restent attentifs.',
  helpTitle: 'Besoin d’aide ?',
  help: [
    '3018 — numéro national contre le harcèlement et les violences numériques (gratuit, anonyme, 7 j/7)',
    '116 006 — France Victimes, aide aux victimes (gratuit, 7 j/7)',
    'PHAROS — signaler un contenu illicite à la police : https://www.internet-signalement.gouv.fr',
  ],
  footer: 'Message envoyé par Vigie, votre veille auto-hébergée.',
  // Wave link, danger grouped past the budget, look-alike accounts
  waveKinds: 'Types de messages',
  waveTriageLink: 'Voir les messages de cette vague',
  lookalikeSubject: 'Vigie — un compte ressemble à celui de la personne protégée',
  lookalikeIntro: (account: string, platform: string, similarity: string) =>
    `Un compte qui pourrait usurper l’identité de la personne protégée a été trouvé : ${account} (${platform}, ressemblance ${similarity}).`,
  lookalikeReason: 'Pourquoi',
  lookalikeAdvice:
    'Vérifiez-le dans le tableau de bord (confirmer ou écarter) ; une usurpation confirmée entre dans le dossier de preuves et peut être signalée à la plateforme.',
  lookalikeLink: 'Examiner les comptes sosies',
};

export type Strings = typeof fr;

const en: Strings = {
  levels: { none: 'neutral', low: 'low', medium: 'medium', high: 'high', severe: 'severe' },
  categories: {
    insult: 'Insults',
    threat: 'Threats',
    sexual_harassment: 'Sexual harassment',
    suicide_incitement: 'Incitement to suicide',
    hate: 'Hate',
    doxxing_language: 'Calls to expose personal information',
    profanity: 'Profanity',
    doxxing: 'Personal information exposed',
    impersonation: 'Impersonation',
  },
  periods: { hourly: 'hourly', daily: 'daily', weekly: 'weekly' },
  digestTitle: (period: string) => `Your ${period} summary`,
  digestSubject: (date: string, hostile: number, trend: string) =>
    hostile === 0
      ? `Vigie — summary for ${date}: nothing of concern`
      : `Vigie — summary for ${date}: ${hostile} hostile post(s)${trend ? ` (${trend})` : ''}`,
  periodLine: (from: string, to: string) => `Period: ${from} to ${to}`,
  ownerIntro:
    'Here is what happened, without the content of the posts: the people you trust read them for you. None of this is your fault, and there is nothing you need to do.',
  proxyIntro:
    'Here is the summary of the period. Hurtful words are masked; the "view" link opens the post in the dashboard.',
  reviewerIntro: 'Here is the summary of the period, for the file.',
  mentions: (n: number) => `${n} mention(s) in all`,
  hostileCount: (n: number) => `${n} hostile post(s)`,
  trendUp: (pct: string) => `up ${pct} on the previous period`,
  trendDown: (pct: string) => `down ${pct} on the previous period`,
  trendSame: 'the same as the previous period',
  trendNew: 'none in the previous period',
  trendShortUp: 'up',
  trendShortDown: 'down',
  byLevel: 'By severity',
  byCategory: 'By kind',
  none: 'none',
  waveTitle: 'Wave',
  waveOngoing: (since: string, count: number) =>
    `A wave has been going on since ${since} (${count} hostile posts so far). Your trusted people are following it.`,
  waveEnded: (at: string) => `The wave subsided on ${at}.`,
  waveNone: 'No wave at the moment.',
  evidenceTitle: 'Evidence',
  evidence: (a: number, p: number, f: number) => `${a} archived, ${p} pending, ${f} failed`,
  evidenceUnknown: 'unknown (archiving is not available yet)',
  actionsTitle: 'What was done',
  actionsArchived: (n: number) => `${n} post(s) kept as evidence`,
  actionsAlerts: (n: number) => `${n} alert(s) sent to your trusted people`,
  repeatTitle: 'New repeat authors',
  repeatCount: (n: number) => `${n} account(s) wrote several hostile posts`,
  topTitle: 'Most serious posts',
  reveal: 'view in the dashboard',
  openDashboard: 'Open the dashboard',
  unsubscribe: 'Stop receiving this summary',
  alertSubject: (cat: string) => `Vigie — alert: ${cat}`,
  alertsGroupedSubject: (n: number) => `Vigie — ${n} posts need your attention`,
  alertIntro: 'A post that needs prompt attention has just been found.',
  alertsGroupedIntro: (n: number) =>
    `${n} posts that need prompt attention were found. To keep your inbox calm, they are grouped here.`,
  alertOwnerIntro:
    'A worrying post was found. Your trusted people have been told and are dealing with it; you do not need to read it.',
  alertAdvice:
    'Advice: do not reply to the author. The evidence is kept automatically; report a threat to PHAROS or the police.',
  waveStartSubject: 'Vigie — a wave of hostile posts has started',
  waveStartIntro: (count: number, baseline: string) =>
    `Hostile posts are suddenly arriving much faster than usual: ${count} in the busiest hour (usually ${baseline} an hour).`,
  waveStartAdvice:
    'It may help to make the person’s accounts private for a while, filter mentions, and spare them from reading the replies.',
  allClearSubject: 'Vigie — the wave has subsided',
  allClearIntro: (from: string, to: string, count: number) =>
    `The wave of hostile posts that began on ${from} subsided on ${to}. It counted ${count} hostile posts; all were kept.`,
  allClearOwner: 'Things are calm again. Take care of yourself; your trusted people stay watchful.',
  helpTitle: 'Need help?',
  help: [
    '3018 — French national helpline against online harassment and violence (free, anonymous, 7 days a week)',
    '116 006 — France Victimes, support for victims (free, 7 days a week)',
    'PHAROS — report illegal content to the French police: https://www.internet-signalement.gouv.fr',
  ],
  footer: 'Sent by Vigie, your self-hosted watch.',
  // Wave link, danger grouped past the budget, look-alike accounts
  waveKinds: 'Kinds of posts',
  waveTriageLink: 'See the posts of this wave',
  lookalikeSubject: 'Vigie — an account looks like the protected person’s',
  lookalikeIntro: (account: string, platform: string, similarity: string) =>
    `An account that may impersonate the protected person was found: ${account} (${platform}, similarity ${similarity}).`,
  lookalikeReason: 'Why',
  lookalikeAdvice:
    'Check it in the dashboard (confirm or dismiss); a confirmed impersonation goes into the evidence dossier and can be reported to the platform.',
  lookalikeLink: 'Review look-alike accounts',
};

export const STRINGS: Record<Lang, Strings> = { fr, en };

/** A date and time in the recipient's language and time zone. */
export function formatWhen(at: number, lang: Lang, timeZone: string, withTime = true): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(at);
}
