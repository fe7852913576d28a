import { STRINGS } from './i18n.ts';
import { itemView, messageIntents, type AlertsContext } from './alerts-context.ts';
import type { TopItem } from './digest-repo.ts';
import type { Recipient } from './recipients-repo.ts';
import { renderNotice } from './templates.ts';
import { planAlerts } from './alert-budget.ts';

const HOUR = 3_600_000;
/** A recipient added today is not sent alerts about last month's posts: only about what came in from an hour before. */
const NEW_RECIPIENT_LOOKBACK_MS = HOUR;
const CATEGORY_PRIORITY = ['threat', 'doxxing', 'doxxing_language', 'suicide_incitement', 'impersonation'];

function headline(item: TopItem): string {
  return CATEGORY_PRIORITY.find((c) => item.categories.includes(c)) ?? item.categories[0] ?? 'severe';
}

async function recordAlert(
  ctx: AlertsContext,
  r: Recipient,
  items: TopItem[],
  now: number,
): Promise<boolean> {
  const t = STRINGS[r.language];
  const grouped = items.length > 1;
  const shielded = r.role === 'owner';
  const first = items[0]!;
  const catLabel = (c: string) => (c === 'severe' ? (t.levels.severe ?? c) : (t.categories[c] ?? c));
  const subject = grouped ? t.alertsGroupedSubject(items.length) : t.alertSubject(catLabel(headline(first)));
  const rendered = renderNotice(
    { lang: r.language, subject, watchId: r.watchId, dashboardUrl: ctx.links.dashboard(r.watchId) },
    {
      title: subject.replace(/^Vigie — /, ''),
      paragraphs: [
        shielded ? t.alertOwnerIntro : grouped ? t.alertsGroupedIntro(items.length) : t.alertIntro,
      ],
      items: shielded ? undefined : items.map((i) => itemView(ctx, i, r.language, r.timezone)),
      advice: shielded ? undefined : t.alertAdvice,
    },
  );
  const ids = items.map((i) => i.id);
  const dedupeKey = grouped ? `alerts:${ids[0]}-${ids[ids.length - 1]}:${ids.length}` : `alert:${ids[0]}`;
  return (
    (await ctx.messages.recordAlertIntent(
      messageIntents(
        ctx,
        r,
        { kind: grouped ? 'alerts_grouped' : 'alert', dedupeKey, rendered },
        // Urgent: quiet hours do not hold alerts back.
        { notBefore: now },
      ),
      ids,
      now,
    )) !== undefined
  );
}

/**
 * Records immediate alerts for this watch's alert-worthy posts not yet alerted, per recipient
 * who takes alerts. The hourly budget (`maxPerHour` messages per recipient and rolling hour)
 * decides how they are split (alert-budget.ts): danger (threats, doxxing, incitement to suicide,
 * impersonation) always goes out in this run, grouped when the budget is spent; the rest waits
 * for the hour to allow it. Returns how many messages were recorded.
 */
export async function scheduleAlerts(ctx: AlertsContext, watchId: string, now: number): Promise<number> {
  const maxPerHour = ctx.config.alerts.maxPerHour;
  let recorded = 0;
  for (const r of await ctx.recipients.listActive(watchId)) {
    if (!r.alerts) continue;
    const pending = await ctx.digests.alertWorthy(watchId, r.id, r.createdAt - NEW_RECIPIENT_LOOKBACK_MS);
    if (pending.length === 0) continue;
    const plan = planAlerts(pending, maxPerHour - (await ctx.messages.alertsSince(r.id, now - HOUR)));
    if (plan.waiting > 0)
      ctx.log.info(
        { watch: watchId, recipient: r.id, waiting: plan.waiting },
        'alert budget spent for this hour: posts wait to be grouped',
      );
    for (const items of plan.messages) if (await recordAlert(ctx, r, items, now)) recorded++;
  }
  return recorded;
}
