import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { User } from './auth/users-repo.ts';
import { HttpError, type WebContext } from './web-context.ts';

export interface DossierParams {
  watch: string;
  from?: string;
  to?: string;
  minLevel?: string;
  lang?: string;
}

const day = (s: string | undefined, plus = 0) => {
  if (!s) return undefined;
  const t = Date.parse(`${s.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new HttpError(400, `not a date: ${s}`, 'error.notADate');
  return t + plus;
};

/**
 * `vigie-dossier-alice-2026-11-01-2026-12-07.zip`: the watch and the period. A form sends empty
 * dates when none is chosen; the period then starts at the watch's first post and ends today.
 */
export async function dossierFileName(
  ctx: Pick<WebContext, 'triage'>,
  p: DossierParams,
  now = Date.now(),
): Promise<string> {
  const today = new Date(now).toISOString().slice(0, 10);
  const from = p.from || (await ctx.triage.seenDays(p.watch))?.first || today;
  const to = p.to || today;
  return `vigie-dossier-${p.watch}-${from.slice(0, 10)}-${to.slice(0, 10)}.zip`.replace(
    /[^A-Za-z0-9._-]/g,
    '_',
  );
}

/**
 * Builds the dossier with the evidence module into a temporary file and streams it; the export is
 * written to the audit log (and by the evidence module to the custody log).
 */
export async function sendDossier(
  ctx: WebContext,
  user: User,
  p: DossierParams,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (!user.watchIds.includes(p.watch)) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
  const write = ctx.evidence.writeDossier;
  if (!write)
    throw new HttpError(503, 'the dossier builder is not available in this installation', 'error.503');
  const from = day(p.from);
  const to = day(p.to, 86_400_000);
  const dir = await mkdtemp(path.join(tmpdir(), 'vigie-dossier-'));
  const name = await dossierFileName(ctx, p);
  const file = path.join(dir, name);
  try {
    await write(
      { watchId: p.watch, from, to, minLevel: p.minLevel || undefined, lang: p.lang, actor: user.email },
      file,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  await ctx.audit.record({
    userId: user.id,
    actor: user.email,
    action: 'export',
    watchId: p.watch,
    detail: { from: p.from ?? null, to: p.to ?? null, minLevel: p.minLevel ?? null },
  });
  const stream = createReadStream(file);
  stream.on('close', () => void rm(dir, { recursive: true, force: true }));
  return reply
    .header('content-type', 'application/zip')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(stream);
}
