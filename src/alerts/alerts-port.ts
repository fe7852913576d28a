import type { Config, WatchConfig } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { JobHandlers, Schedule } from '../jobs/types.ts';
import { createAlertsContext, type AlertsContext } from './alerts-context.ts';
import { createDelivery, type FlushReport } from './delivery.ts';
import { scheduleDigests } from './digest.ts';
import { scheduleAlerts } from './immediate.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { evaluateWaves } from './wave-service.ts';
import { createWatchesRepo } from '../db/repositories/watches-repo.ts';

export interface AlertsDeps {
  db: Db;
  config: Readonly<Config>;
  log: Logger;
  /** Defaults to the configured transport (SMTP, or the outbox). */
  mailer?: Mailer;
}

export interface RunReport extends FlushReport {
  recorded: number;
}

/**
 * The alerts module: immediate alerts, waves and digests. Each run first records what must be
 * sent (idempotently, in the database), then delivers whatever is due — so a run that crashed,
 * an SMTP outage, or a period missed while the service was down are all picked up by the next run.
 */
export function createAlerts(deps: AlertsDeps) {
  const log = deps.log.child({ part: 'alerts' });
  const ctx: AlertsContext = createAlertsContext(deps.db, deps.config, log);
  const mailer = deps.mailer ?? createMailer(deps.config.mail, deps.config.dataDir, log);
  const delivery = createDelivery({ messages: ctx.messages, mailer, log });
  const watches = createWatchesRepo(deps.db);

  function watchIds(watchId?: string): string[] {
    return watches
      .listActive()
      .map((w) => w.id)
      .filter((id) => !watchId || id === watchId);
  }

  return {
    ctx,
    mailer,
    delivery,

    /** Makes the stored recipients match the configuration (called with syncWatches). */
    /**
     * Makes the recipients match the stored watch definitions (the configuration seeds them; the
     * dashboard edits them), so an edit made in the dashboard survives a restart.
     */
    syncRecipients(now = Date.now(), watches: readonly WatchConfig[] = deps.config.watches): void {
      ctx.recipients.syncFromConfig(watches, now);
    },

    /** After new posts: waves, then immediate alerts for this watch, then delivery. */
    async runAlerts(watchId: string, now = Date.now()): Promise<RunReport> {
      evaluateWaves(ctx, watchId, now);
      const recorded = scheduleAlerts(ctx, watchId, now);
      return { recorded, ...(await delivery.flush(now)) };
    },

    /** Due digests (missed periods included), then delivery. */
    async runDigests(options: { watchId?: string } = {}, now = Date.now()): Promise<RunReport> {
      const recorded = scheduleDigests(ctx, now, options);
      return { recorded, ...(await delivery.flush(now)) };
    },

    /** The periodic tick: waves and held alerts of every watch, due digests, retries. */
    async tick(now = Date.now()): Promise<RunReport> {
      let recorded = 0;
      for (const id of watchIds()) {
        evaluateWaves(ctx, id, now);
        recorded += scheduleAlerts(ctx, id, now);
      }
      recorded += scheduleDigests(ctx, now);
      return { recorded, ...(await delivery.flush(now)) };
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;

/** Job handlers: `alert` ({watchId} after a poll, or {task: 'tick'}) and `digest`. */
export function alertHandlers(alerts: Alerts): JobHandlers {
  return {
    async alert(payload, ctx) {
      const report =
        payload.watchId && payload.task !== 'tick'
          ? await alerts.runAlerts(payload.watchId)
          : await alerts.tick();
      if (report.recorded || report.sent || report.retrying || report.failed)
        ctx.log.info(report, 'alerts run');
    },
    async digest(payload, ctx) {
      const report = await alerts.runDigests({ watchId: payload.watchId });
      if (report.recorded || report.sent || report.retrying || report.failed)
        ctx.log.info(report, 'digest run');
    },
  };
}

/** The recurring ticks: held alerts, waves (including all-clears) and retries; due digests. */
export function alertSchedules(config: Readonly<Config>): Schedule[] {
  return [
    { id: 'alerts:tick', pattern: config.alerts.tick, kind: 'alert', payload: { task: 'tick' } },
    { id: 'digest:tick', pattern: config.alerts.tick, kind: 'digest', payload: {} },
  ];
}
