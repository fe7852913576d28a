import type { Config, WatchConfig } from '../config/schema.ts';
import type { AlertsContext } from './alerts-context.ts';
import type { Delivery, FlushReport } from './delivery.ts';
import { scheduleDigests } from './digest.ts';
import { scheduleAlerts } from './immediate.ts';
import { scheduleLookalikeAlerts } from './lookalike-alerts.ts';
import type { Mailer } from './mailer.ts';
import type { Channels } from './channels/channels.ts';
import type { PersonChannelsRepo } from './person-channels-repo.ts';
import { evaluateWaves } from './wave-service.ts';
import type { ChannelKind } from './channels/channel.ts';
import { sendTestMessages, type TestResult } from './test-message.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';

export interface AlertsParts {
  config: Readonly<Config>;
  watches: WatchesRepo;
  /** The repositories, links and logger the digest, alert and wave steps share. */
  ctx: AlertsContext;
  mailer: Mailer;
  /** Every channel (e-mail included), for delivery and for "send a test". */
  channels: Channels;
  personChannels: PersonChannelsRepo;
  delivery: Delivery;
}

export interface RunReport extends FlushReport {
  recorded: number;
}

/**
 * The alerts module: immediate alerts, waves and digests. Each run first records what must be
 * sent (idempotently, in the database), then delivers whatever is due — so a run that crashed,
 * an SMTP outage, or a period missed while the service was down are all picked up by the next run.
 */
export function alertsPort(deps: AlertsParts) {
  const { ctx, mailer, delivery, watches, channels, personChannels } = deps;

  async function watchIds(watchId?: string): Promise<string[]> {
    return (await watches.listActive()).map((w) => w.id).filter((id) => !watchId || id === watchId);
  }

  return {
    ctx,
    mailer,
    channels,
    personChannels,
    delivery,

    /**
     * Makes the recipients match the stored watch definitions (the configuration seeds them; the
     * dashboard edits them), so an edit made in the dashboard survives a restart. Called with
     * syncWatches.
     */
    async syncRecipients(
      now = Date.now(),
      watches: readonly WatchConfig[] = deps.config.watches,
    ): Promise<void> {
      await ctx.recipients.syncFromConfig(watches, now);
    },

    /**
     * Sends a test message to this person now, on every channel they have (or one kind); a
     * configured recipient without an account is found too. Undefined when nobody has that address.
     */
    async sendTest(email: string, kind?: ChannelKind): Promise<TestResult[] | undefined> {
      const person = await personChannels.personByEmail(email);
      if (!person) return undefined;
      const lang = person.lang === 'fr' ? 'fr' : 'en';
      const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(deps.config.mail.from)?.[1];
      return sendTestMessages(
        channels,
        { email: person.email, lang, channels: await personChannels.listFor(person.id) },
        kind,
        domain,
      );
    },

    /** After new posts: waves, then immediate alerts for this watch, then delivery. */
    async runAlerts(watchId: string, now = Date.now()): Promise<RunReport> {
      await evaluateWaves(ctx, watchId, now);
      const recorded =
        (await scheduleAlerts(ctx, watchId, now)) + (await scheduleLookalikeAlerts(ctx, watchId, now));
      return { recorded, ...(await delivery.flush(now)) };
    },

    /** Due digests (missed periods included), then delivery. */
    async runDigests(options: { watchId?: string } = {}, now = Date.now()): Promise<RunReport> {
      const recorded = await scheduleDigests(ctx, now, options);
      return { recorded, ...(await delivery.flush(now)) };
    },

    /** The periodic tick: waves and held alerts of every watch, due digests, retries. */
    async tick(now = Date.now()): Promise<RunReport> {
      let recorded = 0;
      for (const id of await watchIds()) {
        await evaluateWaves(ctx, id, now);
        recorded += await scheduleAlerts(ctx, id, now);
        recorded += await scheduleLookalikeAlerts(ctx, id, now);
      }
      recorded += await scheduleDigests(ctx, now);
      return { recorded, ...(await delivery.flush(now)) };
    },
  };
}

export type Alerts = ReturnType<typeof alertsPort>;
