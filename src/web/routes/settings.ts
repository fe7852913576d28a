import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, html, type WebContext } from '../web-context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { SettingProblem, TestOutcome } from '../ports.ts';
import {
  CHAT_GROUPS,
  mailSettingsFromForm,
  SOURCE_FIELDS,
  unlockedChanges,
  type MailForm,
} from './settings-form.ts';

const short = { type: 'string', maxLength: 4096 } as const;
const GROUPS = [
  'mail',
  'x',
  'bluesky',
  'mastodon',
  'reddit',
  'ntfy',
  'telegram',
  'matrix',
  'signal',
] as const;

/**
 * The mail server, the platforms' credentials and the chat services' servers, stored encrypted and laid over the
 * configuration file (which wins and locks a field it sets); each section has a test button.
 * Owner and proxies: setting up the service is work a proxy may do for the owner.
 */
export function settingsRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    const settings = ctx.settings;
    if (!settings) return;
    const roles = ['owner', 'proxy'] as const;

    const page = (
      req: FastifyRequest,
      reply: FastifyReply,
      extra: {
        problems?: SettingProblem[];
        outcome?: { group: string; test: TestOutcome; kind: string };
      } = {},
    ) => {
      const view = settings.view();
      const by = Object.fromEntries(view.map((s) => [s.path, s]));
      const problem = (p: SettingProblem) =>
        `${req.t(`settings.field.${p.path}` as MessageKey)}: ${req.t(`settings.problem.${p.code}` as MessageKey)}`;
      return ctx.render(req, reply, 'settings', {
        title: req.t('settings.title'),
        nav: 'settings',
        s: by,
        groups: GROUPS,
        sourceFields: SOURCE_FIELDS,
        chatGroups: CHAT_GROUPS,
        problems: (extra.problems ?? []).map(problem),
        outcome: extra.outcome ?? null,
        welcome: (req.query as { welcome?: string }).welcome === '1',
        mailInvalid: (req.query as { mail?: string }).mail === 'invalid',
        saved: (req.query as { saved?: string }).saved ?? null,
      });
    };
    const query = {
      type: 'object',
      properties: { welcome: short, saved: short, mail: short },
      additionalProperties: false,
    } as const;

    app.get(
      '/settings',
      { config: { roles }, schema: { querystring: query, response: html } },
      async (req, reply) => page(req, reply),
    );

    app.post(
      '/settings/:group',
      {
        config: { roles },
        schema: {
          params: {
            type: 'object',
            required: ['group'],
            properties: { group: { type: 'string', enum: [...GROUPS] } },
          },
          querystring: query,
          body: {
            type: 'object',
            properties: {
              action: { type: 'string', enum: ['save', 'test', 'send'] },
              smtpHost: short,
              smtpPort: short,
              smtpSecure: short,
              smtpUser: short,
              smtpPass: short,
              mailFrom: short,
              clear: { type: 'string', maxLength: 200 },
              xBearerToken: short,
              blueskyIdentifier: short,
              blueskyAppPassword: short,
              mastodonInstance: short,
              mastodonAccessToken: short,
              redditClientId: short,
              redditClientSecret: short,
              ntfyServerUrl: short,
              ntfyToken: short,
              telegramApiUrl: short,
              telegramBotToken: short,
              matrixHomeserverUrl: short,
              matrixAccessToken: short,
              signalApiUrl: short,
              signalNumber: short,
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const { group } = req.params as { group: (typeof GROUPS)[number] };
        const body = req.body as Record<string, string | undefined> & { action?: string };
        const action = body.action ?? 'save';
        if (action === 'test') {
          const test = await settings.testConnection(group);
          await ctx.audit.record({
            userId: user.id,
            actor: user.email,
            action: 'settings_test',
            detail: { group, ok: test.ok },
          });
          return page(req, test.ok ? reply : reply.status(400), { outcome: { group, test, kind: 'test' } });
        }
        if (action === 'send') {
          if (group !== 'mail') throw new HttpError(404, 'no such action');
          const test = await settings.sendMail(
            user.email,
            req.t('settings.testSubject'),
            req.t('settings.testBody'),
          );
          await ctx.audit.record({
            userId: user.id,
            actor: user.email,
            action: 'settings_test_mail',
            detail: { ok: test.ok },
          });
          return page(req, test.ok ? reply : reply.status(400), { outcome: { group, test, kind: 'send' } });
        }
        const clear = body.clear;
        let changes: { path: string; value: string | null }[];
        if (group === 'mail') {
          changes = mailSettingsFromForm(body as MailForm, {
            clearPass: clear === 'mail.smtp.pass',
            allowClear: true,
          });
        } else {
          changes = [];
          for (const [name, path] of Object.entries(SOURCE_FIELDS[group]!)) {
            const secret = settings.view().find((s) => s.path === path)?.kind === 'secret';
            const value = body[name];
            if (clear === path) changes.push({ path, value: null });
            // A blank secret field keeps the stored secret: it is never shown back to be kept.
            else if (secret && !value) continue;
            else changes.push({ path, value: value?.trim() ? value : null });
          }
        }
        changes = unlockedChanges(settings.view(), changes);
        const problems = await settings.save(changes, user.email);
        if (problems.length) return page(req, reply.status(400), { problems });
        // The paths only, never the values: secrets stay out of the audit log.
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'settings_change',
          detail: { paths: changes.map((c) => c.path) },
        });
        return reply.redirect(`/settings?saved=${group}#${group}`, 303);
      },
    );
  };
}
