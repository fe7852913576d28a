import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, html, type WebContext } from '../web-context.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { isLoopback } from '../setup-gate.ts';
import { definitionFromForm, formErrors, formFromDefinition } from '../watch-form.ts';
import { feedUrlErrors } from '../watch-form-urls.ts';
import { opaqueWatchId } from '../watch-ids.ts';
import { sourceSpecsForWatch } from '../../sources/source-specs.ts';
import type { MessageKey } from '../i18n/index.ts';
import { mailSettingsFromForm, unlockedChanges, type MailForm } from './settings-form.ts';

const field = { type: 'string', maxLength: 20_000 } as const;
const short = { type: 'string', maxLength: 1024 } as const;

interface SetupForm extends MailForm {
  email?: string;
  password?: string;
  names?: string;
  xHandle?: string;
  blueskyQueries?: string;
  feeds?: string;
}

/**
 * First-run setup: while no account exists, the link `vigie start` printed opens a page that
 * creates the owner, the first watch and the mail server. From this machine only unless
 * web.setupFromAnyAddress; gone (404) once an account exists.
 */
export function setupRoutes(ctx: WebContext): FastifyPluginAsync {
  return async (app) => {
    const gate = ctx.setupGate;
    if (!gate) return;
    const params = {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string', minLength: 20, maxLength: 100 } },
    } as const;

    /** Why the page cannot be shown, or undefined when it can. */
    const refusal = async (
      req: FastifyRequest,
      token: string,
    ): Promise<{ status: number; key: MessageKey } | undefined> => {
      if ((await ctx.users.list()).length > 0) return { status: 404, key: 'setup.done' };
      if (!ctx.config.web.setupFromAnyAddress && !isLoopback(req.ip))
        return { status: 403, key: 'setup.notLocal' };
      if (!gate.valid(token)) return { status: 404, key: 'setup.invalid' };
      return undefined;
    };
    const page = (
      req: FastifyRequest,
      reply: FastifyReply,
      data: { form?: SetupForm; errors?: string[]; refused?: MessageKey },
    ) =>
      ctx.render(req, reply, 'setup', {
        title: req.t('setup.title'),
        form: data.form ?? { smtpPort: '587' },
        errors: data.errors ?? [],
        refused: data.refused ?? null,
      });

    app.get(
      '/setup/:token',
      {
        config: { public: true },
        schema: { params, querystring: { type: 'object', properties: {} }, response: html },
      },
      async (req, reply) => {
        const no = await refusal(req, (req.params as { token: string }).token);
        if (no) return page(req, reply.status(no.status), { refused: no.key });
        return page(req, reply, {});
      },
    );

    app.post(
      '/setup/:token',
      {
        config: {
          public: true,
          rateLimit: { max: ctx.config.web.loginAttemptsPerMinute, timeWindow: 60_000 },
        },
        schema: {
          params,
          body: {
            type: 'object',
            properties: {
              email: { type: 'string', maxLength: 320 },
              password: { type: 'string', maxLength: 1024 },
              names: field,
              xHandle: short,
              blueskyQueries: field,
              feeds: field,
              smtpHost: short,
              smtpPort: short,
              smtpSecure: short,
              smtpUser: short,
              smtpPass: short,
              mailFrom: short,
              _csrf: { type: 'string' },
            },
          },
          response: html,
        },
      },
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const no = await refusal(req, token);
        if (no) return page(req, reply.status(no.status), { refused: no.key });
        const form = req.body as SetupForm;
        const t = req.t;
        const errors: string[] = [];
        const email = (form.email ?? '').trim().toLowerCase();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
          errors.push(`${t('login.email')}: ${t('setup.badEmail')}`);
        const pwProblem = passwordProblem(form.password ?? '');
        if (pwProblem) errors.push(`${t('login.password')}: ${pwProblem}`);
        const names = (form.names ?? '')
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
        if (!names.length) errors.push(`${t('watches.names')}: ${t('setup.needName')}`);
        const slug =
          (names[0] ?? 'watch')
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-+|-+$/g, '')
            .slice(0, 40) || 'watch';
        const parsed = definitionFromForm(undefined, {
          ...formFromDefinition(undefined),
          id: slug,
          names: form.names ?? '',
          xHandle: form.xHandle ?? '',
          blueskyQueries: form.blueskyQueries ?? '',
          feeds: form.feeds ?? '',
        });
        if (names.length) {
          if (!parsed.ok) errors.push(...formErrors(parsed.issues, t as (key: string) => string));
          else errors.push(...feedUrlErrors(parsed.definition, ctx.config.network));
        }
        const mail = mailSettingsFromForm(form);
        if (errors.length || !parsed.ok)
          return page(req, reply.status(400), { form: { ...form, password: '' }, errors });
        // The token is used up before anything is written: two submissions cannot make two owners.
        if (!gate.consume(token) || (await ctx.users.list()).length > 0)
          return page(req, reply.status(404), { refused: 'setup.invalid' });

        const definition = parsed.definition;
        definition.id = await opaqueWatchId(definition.id, (id) => ctx.watchAdmin.exists(id));
        await ctx.watchAdmin.save(definition);
        await ctx.sources.syncForWatch(definition.id, sourceSpecsForWatch(definition));
        const owner = await ctx.users.upsert({
          email,
          role: 'owner',
          watchIds: [definition.id],
          passwordHash: await hashPassword(form.password!),
        });
        const actor = owner.email;
        await ctx.audit.record({ userId: owner.id, actor, action: 'setup_owner', detail: { ip: req.ip } });
        await ctx.audit.record({ userId: owner.id, actor, action: 'watch_create', watchId: definition.id });
        let mailProblems = 0;
        if (mail.length && ctx.settings) {
          const problems = await ctx.settings.save(unlockedChanges(ctx.settings.view(), mail), actor);
          mailProblems = problems.length;
          if (!problems.length)
            await ctx.audit.record({
              userId: owner.id,
              actor,
              action: 'settings_change',
              detail: { paths: mail.map((m) => m.path) },
            });
        }
        await ctx.watchesChanged();
        const ttl = ctx.config.web.sessionHours * 3_600_000;
        reply.setCookie(SESSION_COOKIE, await ctx.users.createSession(owner.id, ttl), {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.secureCookies(req),
          path: '/',
          maxAge: ttl / 1000,
        });
        return reply.redirect(`/settings?welcome=1${mailProblems ? '&mail=invalid' : ''}#mail`, 303);
      },
    );
  };
}
