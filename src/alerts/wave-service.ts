import { STRINGS, formatWhen } from './i18n.ts';
import { messageIntents, type AlertsContext } from './alerts-context.ts';
import { afterQuietHours } from './periods.ts';
import { renderNotice } from './templates.ts';
import type { WaveRow } from './waves-repo.ts';
import { HOUR_MS, detectWaves, type DetectedWave } from './wave-detector.ts';

/** How far back the baseline is computed from at every evaluation (two half-lives by default). */
function windowMs(halfLifeDays: number): number {
  return Math.max(14, Math.ceil(halfLifeDays * 2)) * 24 * HOUR_MS;
}

export interface WaveChanges {
  started: WaveRow[];
  ended: WaveRow[];
}

/**
 * Re-runs the detector over the watch's recent hourly counts and reconciles the result with the
 * stored waves: a detected wave overlapping a stored one is that wave (updated, closed when the
 * detector says it ended); a new ongoing wave is stored and announced; a wave that began and ended
 * entirely while nobody was looking (service down) is stored for the record but not announced.
 */
export async function evaluateWaves(ctx: AlertsContext, watchId: string, now: number): Promise<WaveChanges> {
  const params = ctx.config.alerts.wave;
  const first = await ctx.waves.firstPostTime(watchId);
  const changes: WaveChanges = { started: [], ended: [] };
  if (first === undefined) return changes;
  const from = Math.max(now - windowMs(params.baselineHalfLifeDays), first);
  const counts = await ctx.waves.hourlyHostileCounts(watchId, from, now);
  const detection = detectWaves(counts, now, params);
  const stored = await ctx.waves.relevant(watchId, counts.startHour);
  const matched = new Set<number>();

  const overlaps = (s: WaveRow, d: DetectedWave) =>
    s.startedAt < (d.endedAt ?? Infinity) && d.startedAt < (s.endedAt ?? Infinity);
  for (const d of detection.waves) {
    const set = {
      peakAt: d.peakAt,
      peakCount: d.peakCount,
      count: d.count,
      topCategories: await ctx.waves.topCategories(watchId, d.startedAt, d.endedAt ?? now + 1),
      updatedAt: now,
    };
    const match = stored.find((s) => !matched.has(s.id) && overlaps(s, d));
    if (match) {
      matched.add(match.id);
      if (d.endedAt !== null && match.endedAt === null) {
        if (await ctx.waves.close(match.id, d.endedAt, set))
          changes.ended.push((await ctx.waves.get(match.id))!);
      } else if (match.endedAt === null || d.endedAt !== null) {
        await ctx.waves.update(match.id, set);
      }
      continue;
    }
    const row = await ctx.waves.insert({
      watchId,
      startedAt: d.startedAt,
      endedAt: d.endedAt,
      baseline: d.baseline,
      threshold: d.threshold,
      ...set,
    });
    if (row && row.endedAt === null) changes.started.push(row);
  }
  // A stored wave the detector no longer sees at all (posts rescored as not hostile): it is over.
  for (const s of stored) {
    if (s.endedAt === null && !matched.has(s.id) && (await ctx.waves.close(s.id, now, { updatedAt: now })))
      changes.ended.push((await ctx.waves.get(s.id))!);
  }
  for (const w of changes.started) await recordWaveStart(ctx, w, now);
  for (const w of changes.ended) await recordAllClear(ctx, w, now);
  if (changes.started.length || changes.ended.length) {
    ctx.log.info(
      { watch: watchId, started: changes.started.map((w) => w.id), ended: changes.ended.map((w) => w.id) },
      'wave status changed',
    );
  }
  return changes;
}

/** The triage list of a wave: its watch, from the day it started (UTC, as the filter reads it), worst first. */
export function waveTriageUrl(ctx: AlertsContext, wave: WaveRow): string {
  return ctx.links.triage(wave.watchId, {
    from: new Date(wave.startedAt).toISOString().slice(0, 10),
    sort: 'worst',
  });
}

async function recordWaveStart(ctx: AlertsContext, wave: WaveRow, now: number): Promise<void> {
  for (const r of await ctx.recipients.listActive(wave.watchId)) {
    if (!r.alerts) continue;
    const t = STRINGS[r.language];
    const proxyView = r.role !== 'owner';
    const cats = wave.topCategories
      .map((c) => `${t.categories[c.category] ?? c.category} (${c.count})`)
      .join(', ');
    const rendered = renderNotice(
      {
        lang: r.language,
        subject: t.waveStartSubject,
        watchId: wave.watchId,
        dashboardUrl: ctx.links.dashboard(wave.watchId),
      },
      {
        title: t.waveStartSubject.replace(/^Vigie — /, ''),
        paragraphs: [
          t.waveStartIntro(wave.peakCount, wave.baseline.toFixed(1)),
          ...(cats ? [`${t.waveKinds}${r.language === 'fr' ? ' : ' : ': '}${cats}`] : []),
        ],
        advice: proxyView ? t.waveStartAdvice : t.alertOwnerIntro,
        // Proxies go straight to the wave's posts, worst first (the owner is not sent to read them).
        ...(proxyView ? { link: { label: t.waveTriageLink, url: waveTriageUrl(ctx, wave) } } : {}),
      },
    );
    const dedupeKey = `wave_start:${wave.id}`;
    await ctx.messages.recordIntent(
      messageIntents(ctx, r, { kind: 'wave_start', dedupeKey, rendered }, { notBefore: now }),
      now,
    );
  }
}

async function recordAllClear(ctx: AlertsContext, wave: WaveRow, now: number): Promise<void> {
  for (const r of await ctx.recipients.listActive(wave.watchId)) {
    if (!r.allClear) continue;
    const t = STRINGS[r.language];
    const when = (at: number) => formatWhen(at, r.language, r.timezone);
    const rendered = renderNotice(
      {
        lang: r.language,
        subject: t.allClearSubject,
        watchId: wave.watchId,
        dashboardUrl: ctx.links.dashboard(wave.watchId),
      },
      {
        title: t.allClearSubject.replace(/^Vigie — /, ''),
        paragraphs: [
          t.allClearIntro(when(wave.startedAt), when(wave.endedAt ?? now), wave.count),
          ...(r.role === 'owner' ? [t.allClearOwner] : []),
        ],
      },
    );
    const dedupeKey = `all_clear:${wave.id}`;
    await ctx.messages.recordIntent(
      messageIntents(
        ctx,
        r,
        { kind: 'all_clear', dedupeKey, rendered },
        // Good news can wait for the morning.
        { notBefore: afterQuietHours(now, r.quietHours, r.timezone) },
      ),
      now,
    );
  }
}
