import { STRINGS } from './i18n.ts';
import { messageIntents, type AlertsContext } from './alerts-context.ts';
import { cleanText, renderNotice } from './templates.ts';

// Identity theft is one of the reasons people use Vigie: a new account that looks like the
// person's (similarity at or above alerts.lookalikeMinSimilarity), or one a reviewer confirmed,
// is told to the proxies at once — one message per account, ever, outside the hourly budget.
// The owner is not sent it: the proxies check it first.

/** Records one message per new look-alike account and proxy; returns how many were recorded. */
export async function scheduleLookalikeAlerts(
  ctx: AlertsContext,
  watchId: string,
  now: number,
): Promise<number> {
  const source = ctx.lookalikes;
  if (!source) return 0;
  const candidates = await source.unnotified(watchId, ctx.config.alerts.lookalikeMinSimilarity);
  if (candidates.length === 0) return 0;
  const recipients = (await ctx.recipients.listActive(watchId)).filter((r) => r.alerts && r.role !== 'owner');
  let recorded = 0;
  for (const c of candidates) {
    // Handles and names are written by whoever runs the account: cleaned, and escaped by the HTML part.
    const account = cleanText(c.handle ? `@${c.handle}` : (c.name ?? c.accountId)).slice(0, 120);
    for (const r of recipients) {
      const t = STRINGS[r.language];
      const rendered = renderNotice(
        {
          lang: r.language,
          subject: t.lookalikeSubject,
          watchId,
          dashboardUrl: ctx.links.dashboard(watchId),
        },
        {
          title: t.lookalikeSubject.replace(/^Vigie — /, ''),
          paragraphs: [
            t.lookalikeIntro(account, c.platform, `${Math.round(c.similarity * 100)} %`),
            `${t.lookalikeReason}${r.language === 'fr' ? ' : ' : ': '}${cleanText(c.reason).slice(0, 300)}`,
          ],
          advice: t.lookalikeAdvice,
          link: { label: t.lookalikeLink, url: ctx.links.lookalikes(watchId) },
        },
      );
      const id = await ctx.messages.recordIntent(
        messageIntents(
          ctx,
          r,
          { kind: 'lookalike', dedupeKey: `lookalike:${c.id}`, rendered },
          // Urgent: quiet hours do not hold it back.
          { notBefore: now },
        ),
        now,
      );
      if (id !== undefined) recorded++;
    }
  }
  // Told once per account, whoever was (or was not) there to be told.
  await source.markNotified(
    candidates.map((c) => c.id),
    now,
  );
  ctx.log.info({ watch: watchId, accounts: candidates.length, recorded }, 'look-alike accounts alerted');
  return recorded;
}
