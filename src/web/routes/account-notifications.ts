import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { html, type WebContext } from '../web-context.ts';
import type { ChannelTestResult } from '../ports.ts';
import { DIGEST_SETTINGS, isClockTime, isTimeZone } from '../../alerts/person-settings-repo.ts';

// Account → Notifications: each person edits their own digest frequency, quiet hours, time zone
// and channels, and sends themselves a test on each channel. The same record feeds every watch
// they receive messages about (configured or invited).

const TARGET_FIELDS = ['url', 'secret', 'topic', 'chatId', 'roomId', 'number'] as const;

export function accountNotificationsRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    const port = () => {
      const p = ctx.alerts.notifications;
      if (!p) throw new Error('notifications are not wired');
      return p;
    };

    const page = async (
      req: FastifyRequest,
      reply: FastifyReply,
      extra: { problem?: string; results?: ChannelTestResult[] } = {},
    ) => {
      const user = req.session!;
      const p = port();
      return ctx.render(req, reply, 'account-notifications', {
        title: req.t('notify.title'),
        nav: 'account',
        me: user,
        settings: (await p.settings(user.id)) ?? { digest: null, quietHours: null, timeZone: null },
        channels: await p.channels(user.id),
        kinds: p.kinds(),
        digests: DIGEST_SETTINGS,
        ...extra,
      });
    };

    app.get(
      '/account/notifications',
      { schema: { querystring: { type: 'object', additionalProperties: false }, response: html } },
      async (req, reply) => page(req, reply),
    );

    app.post(
      '/account/notifications/settings',
      {
        schema: {
          body: {
            type: 'object',
            properties: {
              digest: { type: 'string', enum: ['', ...DIGEST_SETTINGS] },
              quietFrom: { type: 'string', maxLength: 5 },
              quietTo: { type: 'string', maxLength: 5 },
              timeZone: { type: 'string', maxLength: 64 },
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const b = req.body as { digest?: string; quietFrom?: string; quietTo?: string; timeZone?: string };
        const from = b.quietFrom?.trim() ?? '';
        const to = b.quietTo?.trim() ?? '';
        const tz = b.timeZone?.trim() ?? '';
        if ((from || to) && !(isClockTime(from) && isClockTime(to)))
          return page(req, reply.status(400), { problem: req.t('notify.badQuiet') });
        if (tz && !isTimeZone(tz))
          return page(req, reply.status(400), { problem: req.t('notify.badTimeZone') });
        await port().saveSettings(user.id, {
          digest: b.digest || null,
          quietHours: from && to ? { from, to } : null,
          timeZone: tz || null,
        });
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'notification_settings' });
        return reply.redirect('/account/notifications', 303);
      },
    );

    app.post(
      '/account/notifications/channels',
      {
        schema: {
          body: {
            type: 'object',
            required: ['kind'],
            properties: {
              kind: { type: 'string', maxLength: 20 },
              ...Object.fromEntries(TARGET_FIELDS.map((f) => [f, { type: 'string', maxLength: 1000 }])),
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const b = req.body as Record<string, string>;
        const fields = Object.fromEntries(TARGET_FIELDS.filter((f) => b[f]).map((f) => [f, b[f]!]));
        const added = await port().addChannel(user.id, b.kind!, fields);
        if (!('ok' in added))
          return page(req, reply.status(400), {
            problem: req.t(`notify.bad.${added.field}` as Parameters<typeof req.t>[0]),
          });
        // The kind only: a target may hold a secret (the webhook's).
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'channel_added',
          detail: { kind: b.kind },
        });
        return reply.redirect('/account/notifications', 303);
      },
    );

    app.post(
      '/account/notifications/channels/:id/remove',
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
          body: { type: 'object', properties: { _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const { id } = req.params as { id: number };
        if (await port().removeChannel(user.id, id))
          await ctx.audit.record({
            userId: user.id,
            actor: user.email,
            action: 'channel_removed',
            detail: { id },
          });
        return reply.redirect('/account/notifications', 303);
      },
    );

    app.post(
      '/account/notifications/test',
      {
        schema: {
          body: {
            type: 'object',
            properties: { kind: { type: 'string', maxLength: 20 }, _csrf: { type: 'string' } },
          },
          response: html,
        },
        // A test reaches outside services: a few per minute are enough.
        config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      },
      async (req, reply) => {
        const user = req.user!;
        const { kind } = req.body as { kind?: string };
        const results = (await port().sendTest(user.email, kind || undefined)) ?? [];
        return page(req, reply, { results });
      },
    );
  };
}
