import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RecipientsRepo } from '../../alerts/recipients-repo.ts';
import { verifyUnsubscribeToken } from '../../alerts/unsubscribe-token.ts';
import { escapeHtml } from '../../escape-html.ts';

// The digest's one-click unsubscribe (RFC 8058). It needs no login: the signed token in the link
// is the authority. GET only shows a confirmation button, because mail scanners open links;
// POST (the mail client's one-click request, or that button) unsubscribes.

export interface UnsubscribeDeps {
  recipients: RecipientsRepo;
  /** The links' signing key: configured, or generated once and stored (read on first use). */
  unsubscribeKey: () => Promise<string>;
}

const TEXT = {
  fr: {
    title: 'Ne plus recevoir le résumé',
    confirm:
      'Vous ne recevrez plus les résumés de Vigie à cette adresse. Les alertes urgentes ne sont pas concernées.',
    button: 'Confirmer',
    done: 'C’est fait : vous ne recevrez plus les résumés. Pour les recevoir à nouveau, demandez-le à la personne qui gère Vigie.',
    invalid: 'Ce lien n’est pas valide ou a été modifié.',
  },
  en: {
    title: 'Stop receiving the summary',
    confirm: 'You will no longer receive Vigie summaries at this address. Urgent alerts are not affected.',
    button: 'Confirm',
    done: 'Done: you will no longer receive the summaries. To get them again, ask the person who runs Vigie.',
    invalid: 'This link is not valid or has been altered.',
  },
};

function page(reply: FastifyReply, status: number, lang: 'fr' | 'en', body: string): FastifyReply {
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(TEXT[lang].title)}</title><link rel="stylesheet" href="/static/vigie.css"></head><body><main class="narrow"><h1>${escapeHtml(TEXT[lang].title)}</h1>${body}</main></body></html>`;
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

export function unsubscribeRoutes(deps: UnsubscribeDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const recipients = deps.recipients;
    let key: string | undefined;
    const resolve = async (token: string) => {
      key ??= await deps.unsubscribeKey();
      const id = verifyUnsubscribeToken(key, token);
      return id === undefined ? undefined : recipients.get(id);
    };
    const schema = {
      querystring: {
        type: 'object',
        properties: { token: { type: 'string', maxLength: 120 } },
        required: ['token'],
      },
    };
    const routeConfig = { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } };

    app.get<{ Querystring: { token: string } }>(
      '/unsubscribe',
      { schema, config: routeConfig },
      async (req, reply) => {
        const r = await resolve(req.query.token);
        if (!r) return page(reply, 404, 'en', `<p>${escapeHtml(TEXT.en.invalid)}</p>`);
        const t = TEXT[r.language];
        const action = `/unsubscribe?token=${encodeURIComponent(req.query.token)}`;
        return page(
          reply,
          200,
          r.language,
          `<p>${escapeHtml(t.confirm)}</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(t.button)}</button></form>`,
        );
      },
    );

    app.post<{ Querystring: { token: string } }>(
      '/unsubscribe',
      { schema, config: routeConfig },
      async (req, reply) => {
        const r = await resolve(req.query.token);
        if (!r) return page(reply, 404, 'en', `<p>${escapeHtml(TEXT.en.invalid)}</p>`);
        await recipients.unsubscribeDigest(r.id);
        req.log.info({ recipient: r.id, watch: r.watchId }, 'digest unsubscribed through the one-click link');
        return page(reply, 200, r.language, `<p>${escapeHtml(TEXT[r.language].done)}</p>`);
      },
    );
  };
}
