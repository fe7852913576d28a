import { LEVELS, levelAtLeast } from '../scoring/index.ts';
import { STRINGS, formatWhen } from './i18n.ts';
import { itemView, messageIntents, type AlertsContext } from './alerts-context.ts';
import type { Recipient } from './recipients-repo.ts';
import { afterQuietHours, periodsEndedBetween, type DigestFrequency, type Period } from './periods.ts';
import { renderDigest, type DigestView, type Rendered } from './templates.ts';

const LEVEL_ORDER = ['severe', 'high', 'medium', 'low'];
const TOP_ITEMS = 5;
/** A service down for long does not owe a flood of old digests: periods older than this are not caught up. */
const CATCH_UP_MS = 7 * 24 * 3_600_000;
const PERIOD_MS: Record<DigestFrequency, number> = {
  hourly: 3_600_000,
  daily: 24 * 3_600_000,
  weekly: 7 * 24 * 3_600_000,
};

function percent(n: number): string {
  return `${Math.round(n * 100)} %`;
}

/**
 * The digest of one period for one recipient. The owner's version is shielded structurally: it is
 * built without any post text or author name, so no template can leak them.
 */
export async function buildDigest(
  ctx: AlertsContext,
  r: Recipient,
  frequency: DigestFrequency,
  period: Period,
  now: number,
): Promise<Rendered> {
  const t = STRINGS[r.language];
  const w = r.watchId;
  const when = (at: number) => formatWhen(at, r.language, r.timezone);
  const totals = await ctx.digests.totals(w, period.start, period.end);
  const previous = (await ctx.digests.totals(w, period.start - (period.end - period.start), period.start))
    .hostile;
  let trend: string;
  let trendShort = '';
  if (totals.hostile === previous) trend = t.trendSame;
  else if (previous === 0) {
    trend = t.trendNew;
    trendShort = t.trendShortUp;
  } else if (totals.hostile > previous) {
    trend = t.trendUp(percent(totals.hostile / previous - 1));
    trendShort = t.trendShortUp;
  } else {
    trend = t.trendDown(percent(1 - totals.hostile / previous));
    trendShort = t.trendShortDown;
  }

  const byLevel = await ctx.digests.byLevel(w, period.start, period.end);
  const levels = LEVEL_ORDER.filter((l) => byLevel[l]).map((l) => ({
    label: t.levels[l] ?? l,
    count: byLevel[l]!,
  }));
  const categories = (await ctx.digests.byCategory(w, period.start, period.end)).map((c) => ({
    label: t.categories[c.category] ?? c.category,
    count: c.count,
  }));

  const waves = await ctx.waves.overlapping(w, period.start, now);
  const ongoing = waves.find((x) => x.endedAt === null);
  const ended = waves.filter((x) => x.endedAt !== null).pop();
  const wave = ongoing
    ? t.waveOngoing(when(ongoing.startedAt), ongoing.count)
    : ended
      ? t.waveEnded(when(ended.endedAt!))
      : t.waveNone;

  const minLevel = ctx.config.watches.find((x) => x.id === w)?.archiveMinLevel ?? 'medium';
  const archiveLevels = LEVELS.filter((l) => l !== 'none' && levelAtLeast(l, minLevel));
  const evidence = await ctx.digests.evidence(w, period.start, period.end, archiveLevels);
  const actions = [t.actionsAlerts(await ctx.digests.alertsSent(w, period.start, period.end))];
  if (evidence) actions.unshift(t.actionsArchived(evidence.archived));

  const repeat = await ctx.digests.newRepeatAuthors(w, period.start, period.end);
  const shielded = r.role === 'owner';
  const view: DigestView = {
    title: t.digestTitle(t.periods[frequency] ?? frequency),
    periodLine: t.periodLine(when(period.start), when(period.end)),
    intro: shielded ? t.ownerIntro : r.role === 'proxy' ? t.proxyIntro : t.reviewerIntro,
    hostile: totals.hostile,
    hostileLabel: t.hostileCount(totals.hostile).replace(/^\d+\s*/, ''),
    total: totals.total,
    totalLabel: t.mentions(totals.total).replace(/^\d+\s*/, ''),
    trend,
    levels,
    categories,
    wave,
    evidence: evidence ? t.evidence(evidence.archived, evidence.pending, evidence.failed) : t.evidenceUnknown,
    actions,
    repeatLine: t.repeatCount(repeat.length),
  };
  if (!shielded) {
    view.repeatAuthors = repeat.map(
      (a) => `${a.platform} · ${a.handle ? `@${a.handle}` : (a.name ?? '?')} (${a.count})`,
    );
    view.items = (await ctx.digests.topItems(w, period.start, period.end, TOP_ITEMS)).map((item) =>
      itemView(ctx, item, r.language, r.timezone),
    );
  }
  return renderDigest(
    {
      lang: r.language,
      subject: t.digestSubject(
        formatWhen(period.end, r.language, r.timezone, false),
        totals.hostile,
        trendShort,
      ),
      watchId: w,
      dashboardUrl: ctx.links.dashboard(w),
      unsubscribeUrl: await ctx.links.unsubscribe(r.id),
    },
    view,
  );
}

/**
 * Records the intent to send every digest that is due, missed periods included (oldest first).
 * The unique (recipient, `digest:<frequency>:<period start>`) key makes this safe to run any
 * number of times, from any number of processes. Returns how many intents were recorded.
 */
export async function scheduleDigests(
  ctx: AlertsContext,
  now: number,
  options: { watchId?: string } = {},
): Promise<number> {
  let recorded = 0;
  for (const r of await ctx.recipients.listActive(options.watchId)) {
    if (r.digest === 'off' || r.digestUnsubscribedAt !== null) continue;
    const frequency = r.digest;
    // The first digest of a frequency (new recipient, or one who switched from weekly to hourly)
    // covers the latest complete period only, not everything since the previous digest.
    const last =
      (await ctx.messages.lastDigestEnd(r.id, frequency)) ??
      Math.max(r.createdAt, (await ctx.messages.lastDigestEnd(r.id)) ?? 0, now - PERIOD_MS[frequency]);
    const after = Math.max(last, now - CATCH_UP_MS);
    for (const period of periodsEndedBetween(
      after,
      now,
      frequency,
      r.timezone,
      ctx.config.alerts.digestSchedule,
    )) {
      const dedupeKey = `digest:${frequency}:${new Date(period.start).toISOString()}`;
      const rendered = await buildDigest(ctx, r, frequency, period, now);
      const id = await ctx.messages.recordIntent(
        messageIntents(
          ctx,
          r,
          { kind: 'digest', dedupeKey, rendered },
          {
            unsubscribeUrl: await ctx.links.unsubscribe(r.id),
            // Digests are not urgent: they wait for the end of the recipient's quiet hours.
            notBefore: afterQuietHours(now, r.quietHours, r.timezone),
            periodStart: period.start,
            periodEnd: period.end,
          },
        ),
        now,
      );
      if (id !== undefined) recorded++;
    }
  }
  return recorded;
}
