import type { User } from './auth/users-repo.ts';
import { HttpError, type WebContext } from './web-context.ts';
import { CATEGORIES, REPORT_CHANNELS, type ReportChannel } from './triage-repo.ts';

export const ACTIONS = ['reviewed', 'ignored', 'harmless', 'archive', 'report'] as const;
export type TriageAction = (typeof ACTIONS)[number];

export interface ReportInput {
  channel?: string;
  reportedAt?: string;
  reference?: string;
}

/** Checks every post belongs to a watch the user may see; answers 404 otherwise (no probing). */
export async function postsOfUser(
  ctx: WebContext,
  user: User,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const owners = await ctx.triage.watchOfPosts(ids);
  for (const id of ids) {
    const w = owners.get(id);
    if (!w || !user.watchIds.includes(w)) throw new HttpError(404, 'no such post', 'error.noSuchPost');
  }
  return owners;
}

/** Applies one triage action to posts and writes it to the audit log (and archive flags to evidence). */
export async function applyAction(
  ctx: WebContext,
  user: User,
  ids: readonly number[],
  action: TriageAction,
  report: ReportInput = {},
): Promise<void> {
  if (ids.length === 0) throw new HttpError(400, 'select at least one post', 'error.selectPost');
  const owners = await postsOfUser(ctx, user, ids);
  // Review decisions and reports filed are custody events too: a dossier shows who decided what, when.
  let decision: { type: 'reviewed' | 'reported'; data: Record<string, unknown> } | undefined;
  // Only someone who read the post may declare it harmless: the owner is shown it because of it.
  if (action === 'harmless' && user.role !== 'proxy')
    throw new HttpError(403, 'only a proxy may mark a post harmless');
  if (action === 'reviewed' || action === 'ignored' || action === 'harmless')
    await ctx.triage.setStatus(ids, action, user.id);
  else if (action === 'archive') {
    await ctx.triage.flagArchive(ids, user.id);
    for (const id of ids) await ctx.evidence.flagForArchive?.(id, user.email);
  } else {
    const channel = report.channel as ReportChannel;
    if (!REPORT_CHANNELS.includes(channel))
      throw new HttpError(400, 'choose where the post was reported', 'error.reportChannel');
    const at = report.reportedAt ? Date.parse(report.reportedAt) : Date.now();
    if (Number.isNaN(at)) throw new HttpError(400, 'the report date is not a date', 'error.reportDate');
    const reference = report.reference?.trim().slice(0, 200) || null;
    await ctx.triage.addReport(ids, { channel, reportedAt: at, reference }, user.id);
    decision = { type: 'reported', data: { channel, reportedAt: new Date(at).toISOString(), reference } };
  }
  if (action === 'reviewed' || action === 'ignored' || action === 'harmless')
    decision = { type: 'reviewed', data: { status: action } };
  for (const id of ids) {
    if (decision)
      await ctx.evidence.recordDecision?.({
        ...decision,
        watchId: owners.get(id)!,
        postId: id,
        actor: user.email,
      });
    await ctx.audit.record({
      userId: user.id,
      actor: user.email,
      action: action === 'archive' ? 'flag_archive' : action === 'report' ? 'report' : 'review',
      watchId: owners.get(id),
      postId: id,
      detail:
        action === 'report'
          ? { channel: report.channel, reference: report.reference ?? null }
          : { status: action },
    });
  }
}

/** Reveals hostile content: written to the audit log and to the custody log as `viewed`. */
export async function revealPost(ctx: WebContext, user: User, postId: number): Promise<void> {
  const owners = await postsOfUser(ctx, user, [postId]);
  const watchId = owners.get(postId)!;
  await ctx.audit.record({ userId: user.id, actor: user.email, action: 'reveal', watchId, postId });
  try {
    await ctx.evidence.recordViewed({ watchId, postId, actor: user.email });
  } catch (err) {
    ctx.log.warn({ err, watch: watchId, postId }, 'could not record the view in the custody log');
  }
}

/**
 * Marks a post hostile by hand with a category (a scorer miss), or takes the mark back (`null`).
 * The label sits beside the scorer's verdict; the post is flagged for archiving like a hostile
 * one, and both are written to the audit log.
 */
export async function labelPost(
  ctx: WebContext,
  user: User,
  postId: number,
  category: string | null,
): Promise<void> {
  const owners = await postsOfUser(ctx, user, [postId]);
  const watchId = owners.get(postId)!;
  if (category === null) {
    if (await ctx.triage.removeLabel(postId))
      await ctx.audit.record({
        userId: user.id,
        actor: user.email,
        action: 'unmark_hostile',
        watchId,
        postId,
      });
    return;
  }
  if (!(CATEGORIES as readonly string[]).includes(category)) throw new HttpError(400, 'choose a category');
  await ctx.triage.setLabel(postId, category, user);
  await ctx.audit.record({
    userId: user.id,
    actor: user.email,
    action: 'mark_hostile',
    watchId,
    postId,
    detail: { category },
  });
  if (!(await ctx.triage.review(postId))?.archiveFlaggedAt) await applyAction(ctx, user, [postId], 'archive');
}

/** Reveals every post of a list at once (one audit entry and one custody event per post). */
export async function revealPosts(ctx: WebContext, user: User, postIds: readonly number[]): Promise<void> {
  await postsOfUser(ctx, user, postIds);
  for (const id of new Set(postIds)) await revealPost(ctx, user, id);
}
