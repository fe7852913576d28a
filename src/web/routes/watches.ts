import type { FastifyPluginAsync } from 'fastify';
import { LEVELS } from '../../scoring/index.ts';
import { sourceSpecsForWatch } from '../../sources/source-specs.ts';
import { HttpError, html, noQuery, type WebContext } from '../web-context.ts';
import { definitionFromForm, formErrors, formFromDefinition, type WatchForm } from '../watch-form.ts';
import { feedUrlErrors } from '../watch-form-urls.ts';
import { opaqueWatchId } from '../watch-ids.ts';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const field = { type: 'string', maxLength: 20_000 } as const;
const formBody = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    names: field,
    xHandle: field,
    xSearch: field,
    feeds: field,
    blueskyQueries: field,
    blueskyHandle: { type: 'string', maxLength: 300 },
    mastodonHashtags: field,
    mastodonQueries: field,
    redditQueries: field,
    hackernewsQueries: field,
    ownAccounts: field,
    flag: field,
    never: field,
    schedule: { type: 'string', maxLength: 100 },
    archiveMinLevel: { type: 'string', enum: ['', ...LEVELS] },
    recipients: field,
    ownerShield: { type: 'string', enum: ['review', 'scorer'] },
    _csrf: { type: 'string' },
  },
} as const;

/** Create and edit watches (owner and proxy); everyone linked may read them. */
export function watchesRoutes(ctx: WebContext): FastifyPluginAsync {
  const admin = ctx.watchAdmin;
  const recipients = ctx.recipients;
  /** The alerts read recipients from their own table: bring it in line with the stored watches. */
  const syncRecipients = async () =>
    recipients.syncFromConfig((await ctx.watches.listActive()).map((w) => w.definition));
  return async (app) => {
    const editor = (
      req: Parameters<WebContext['render']>[0],
      reply: Parameters<WebContext['render']>[1],
      data: { isNew: boolean; form: Required<WatchForm>; errors: string[]; saved?: boolean },
    ) =>
      ctx.render(req, reply, 'watch-edit', {
        title: req.t('watches.title'),
        nav: 'watches',
        levels: LEVELS,
        saved: false,
        ...data,
      });

    app.get(
      '/watches',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { polled: { type: 'string', maxLength: 64 } },
            additionalProperties: false,
          },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const watches = [];
        for (const id of user.watchIds) {
          const w = await ctx.watches.get(id);
          if (w) watches.push(w);
        }
        return ctx.render(req, reply, 'watches', {
          title: req.t('watches.title'),
          nav: 'watches',
          watches,
          canEdit: user.role !== 'reviewer',
          canPoll: user.role !== 'reviewer' && !!ctx.pollNow,
          polled: (req.query as { polled?: string }).polled ?? null,
        });
      },
    );

    app.post(
      '/watches/:id/poll',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          body: { type: 'object', properties: { _csrf: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        const { id } = req.params as { id: string };
        if (!user.watchIds.includes(id) || !(await ctx.watches.get(id)) || !ctx.pollNow)
          throw new HttpError(404, 'no such watch');
        await ctx.pollNow(id);
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'poll_now', watchId: id });
        return reply.redirect(`/watches?polled=${encodeURIComponent(id)}`, 303);
      },
    );

    app.get(
      '/watches/new',
      { config: { roles: ['owner', 'proxy'] }, schema: { querystring: noQuery, response: html } },
      async (req, reply) =>
        editor(req, reply, { isNew: true, form: formFromDefinition(undefined), errors: [] }),
    );

    app.post(
      '/watches',
      { config: { roles: ['owner', 'proxy'] }, schema: { body: formBody, response: html } },
      async (req, reply) => {
        const user = req.user!;
        const form = req.body as WatchForm;
        const parsed = definitionFromForm(undefined, form);
        const errors = parsed.ok
          ? feedUrlErrors(parsed.definition, ctx.config.network)
          : formErrors(parsed.issues, req.t as (key: string) => string);
        if (!parsed.ok || errors.length)
          return editor(req, reply.status(400), {
            isNew: true,
            form: { ...formFromDefinition(undefined), ...form } as Required<WatchForm>,
            errors,
          });
        // Whether the id typed is taken is never told: every new id gets a random suffix.
        parsed.definition.id = await opaqueWatchId(parsed.definition.id, (id) => admin.exists(id));
        await admin.save(parsed.definition);
        await ctx.sources.syncForWatch(parsed.definition.id, sourceSpecsForWatch(parsed.definition));
        await ctx.users.linkWatch(user.id, parsed.definition.id);
        await syncRecipients();
        await ctx.watchesChanged();
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'watch_create',
          watchId: parsed.definition.id,
        });
        return reply.redirect(`/watches/${encodeURIComponent(parsed.definition.id)}/edit?saved=1`, 303);
      },
    );

    app.get(
      '/watches/:id/edit',
      {
        config: { roles: ['owner', 'proxy'] },
        schema: {
          params: idParams,
          querystring: { type: 'object', properties: { saved: { type: 'string' } } },
          response: html,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        if (!req.user!.watchIds.includes(id)) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
        const w = await ctx.watches.get(id);
        if (!w) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
        return editor(req, reply, {
          isNew: false,
          form: formFromDefinition(w.definition),
          errors: [],
          saved: (req.query as { saved?: string }).saved === '1',
        });
      },
    );

    app.post(
      '/watches/:id',
      { config: { roles: ['owner', 'proxy'] }, schema: { params: idParams, body: formBody, response: html } },
      async (req, reply) => {
        const user = req.user!;
        const { id } = req.params as { id: string };
        if (!user.watchIds.includes(id)) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
        const w = await ctx.watches.get(id);
        if (!w) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
        const form = req.body as WatchForm;
        const parsed = definitionFromForm(w.definition, form);
        const errors = parsed.ok
          ? feedUrlErrors(parsed.definition, ctx.config.network)
          : formErrors(parsed.issues, req.t as (key: string) => string);
        if (!parsed.ok || errors.length)
          return editor(req, reply.status(400), {
            isNew: false,
            form: { ...formFromDefinition(w.definition), ...form, id } as Required<WatchForm>,
            errors,
          });
        await admin.save(parsed.definition);
        await ctx.sources.syncForWatch(id, sourceSpecsForWatch(parsed.definition));
        await syncRecipients();
        await ctx.watchesChanged();
        await ctx.audit.record({ userId: user.id, actor: user.email, action: 'watch_edit', watchId: id });
        return reply.redirect(`/watches/${encodeURIComponent(id)}/edit?saved=1`, 303);
      },
    );
  };
}
