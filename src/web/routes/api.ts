import type { FastifyPluginAsync, RouteOptions } from 'fastify';
import { LEVELS } from '../../scoring/index.ts';
import { type WebContext } from '../web-context.ts';
import { STATUS_FILTERS } from '../triage-repo.ts';
import { sendDossier, type DossierParams } from '../dossier-download.ts';
import { openApiDocument } from '../openapi.ts';
import { filterFromQuery, type TriageQuery } from './triage.ts';
import { visibilityFor } from '../post-visibility.ts';
import { shieldText } from '../render/text-shield.ts';
import { revealPost } from '../actions.ts';
import type { TriageRow } from '../triage-repo.ts';
import type { User } from '../auth/users-repo.ts';
import { pickWatch } from './watch-param.ts';
import { dossierFields } from './exports.ts';

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;

const mentionSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    watchId: { type: 'string' },
    platform: { type: 'string' },
    url: nullableString,
    authorHandle: nullableString,
    authorName: nullableString,
    text: { type: 'string' },
    firstSeenAt: { type: 'integer', description: 'epoch ms' },
    createdAt: nullableInt,
    score: nullableInt,
    level: nullableString,
    hostile: { type: 'boolean' },
    categories: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['new', 'reviewed', 'reported', 'ignored', 'harmless'] },
    shielded: {
      type: 'boolean',
      description:
        'owner token: the text is withheld (not marked harmless by a proxy): ask again with reveal=true to read it',
    },
  },
  required: ['id', 'watchId', 'platform', 'text', 'firstSeenAt', 'hostile', 'categories', 'status'],
} as const;

/**
 * The protected person (owner) reads no post text in the dashboard unless a proxy marked it
 * harmless or they reveal it, and each reveal is audited: the API applies the same decision
 * (render/text-shield.ts) to an owner's token. Proxies' and reviewers' tokens read the text.
 */
async function shieldForOwner<R extends TriageRow>(
  ctx: WebContext,
  user: User,
  rows: readonly R[],
  reveal: boolean,
): Promise<(R & { shielded?: boolean })[]> {
  if (user.role !== 'owner') return [...rows];
  const visibility = await visibilityFor(ctx, user, rows);
  const out: (R & { shielded?: boolean })[] = [];
  for (const r of rows) {
    if (visibility.get(r.id) === 'clear') out.push({ ...r, shielded: false });
    else if (!reveal) out.push({ ...shieldText(r, 'withheld'), shielded: true });
    else {
      await revealPost(ctx, user, r.id);
      out.push({ ...r, shielded: false });
    }
  }
  return out;
}

/** The JSON API (bearer tokens only) and its OpenAPI description. */
export function apiRoutes(ctx: WebContext, routes: () => readonly RouteOptions[]): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/api/v1/openapi.json',
      {
        config: { public: true },
        schema: {
          summary: 'This document',
          querystring: { type: 'object', properties: {} },
          response: { 200: { type: 'object', additionalProperties: true } },
        },
      },
      async () => openApiDocument(routes()),
    );

    app.get(
      '/api/v1/watches',
      {
        schema: {
          summary: 'The watches this token may read',
          querystring: { type: 'object', properties: {} },
          response: {
            200: {
              type: 'object',
              properties: {
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      names: { type: 'array', items: { type: 'string' } },
                      posts: { type: 'integer' },
                      hostile: { type: 'integer' },
                      needsReview: { type: 'integer' },
                    },
                    required: ['id', 'names'],
                  },
                },
              },
              required: ['items'],
            },
            401: errorSchema,
          },
        },
      },
      async (req) => {
        const items = [];
        for (const id of req.user!.watchIds) {
          const w = await ctx.watches.get(id);
          if (!w) continue;
          const c = await ctx.triage.counts(id);
          items.push({
            id,
            names: w.definition.names,
            posts: c.total,
            hostile: c.hostile,
            needsReview: await ctx.triage.needsReview(id),
          });
        }
        return { items };
      },
    );

    app.get(
      '/api/v1/mentions',
      {
        schema: {
          summary: 'Stored mentions of a watch, newest or worst first, one page at a time',
          querystring: {
            type: 'object',
            properties: {
              watch: { type: 'string', maxLength: 64 },
              level: { type: 'string', enum: ['', ...LEVELS] },
              category: { type: 'string', maxLength: 40 },
              author: { type: 'string', maxLength: 200 },
              status: { type: 'string', enum: ['', ...STATUS_FILTERS] },
              from: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
              to: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
              q: { type: 'string', maxLength: 200, description: 'full-text search' },
              sort: { type: 'string', enum: ['newest', 'worst'], default: 'newest' },
              cursor: {
                type: 'string',
                pattern: '^(-?\\d+\\.)?\\d+$',
                description: 'the `next` of the previous page',
              },
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
              reveal: {
                type: 'boolean',
                default: false,
                description:
                  'owner tokens: show hostile text in full (each reveal is audited, as in the dashboard)',
              },
            },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: { items: { type: 'array', items: mentionSchema }, next: nullableString },
              required: ['items', 'next'],
            },
            401: errorSchema,
            404: errorSchema,
          },
        },
      },
      async (req) => {
        const user = req.user!;
        const { reveal, ...query } = req.query as TriageQuery & { limit: number; reveal: boolean };
        const watchId = pickWatch(user, query.watch);
        const { rows, next } = await ctx.triage.list(filterFromQuery(watchId, query, query.limit));
        await ctx.audit.record({
          userId: user.id,
          actor: user.email,
          action: 'api_mentions',
          watchId,
          detail: { count: rows.length },
        });
        return {
          items: (await shieldForOwner(ctx, user, rows, reveal)).map((r) => ({
            ...r,
            status: r.status ?? 'new',
          })),
          next,
        };
      },
    );

    app.post(
      '/api/v1/exports',
      {
        schema: {
          summary: 'Build and download the evidence dossier of a watch for a period (zip)',
          body: {
            type: 'object',
            required: ['watch'],
            properties: dossierFields,
            additionalProperties: false,
          },
          response: {
            200: { type: 'string', format: 'binary' },
            401: errorSchema,
            404: errorSchema,
            503: errorSchema,
          },
        },
      },
      async (req, reply) => sendDossier(ctx, req.user!, req.body as DossierParams, reply),
    );
  };
}
