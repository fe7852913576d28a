import type { SessionUser, User } from './auth/users-repo.ts';
import type { WebContext } from './web-context.ts';
import {
  shieldText,
  textVisibility,
  type OwnerShield,
  type ShieldablePost,
  type TextVisibility,
} from './render/text-shield.ts';

// Applies the text-shield decision to rows read for one user: the watch's owner shield, and the
// posts this user revealed during the session (each reveal is in the audit log).

type Row = ShieldablePost & { id: number; watchId: string; text: string; matches: unknown };

export async function ownerShieldOf(ctx: Pick<WebContext, 'watches'>, watchId: string): Promise<OwnerShield> {
  return (await ctx.watches.get(watchId))?.definition.ownerShield ?? 'review';
}

/** The visibility of each row for this user (revealed posts: only for a signed-in session). */
export async function visibilityFor(
  ctx: Pick<WebContext, 'watches' | 'audit'>,
  user: SessionUser | User,
  rows: readonly Row[],
): Promise<Map<number, TextVisibility>> {
  const shields = new Map<string, OwnerShield>();
  for (const watchId of new Set(rows.map((r) => r.watchId)))
    shields.set(watchId, await ownerShieldOf(ctx, watchId));
  const first = new Map<number, TextVisibility>();
  for (const r of rows)
    first.set(r.id, textVisibility(user.role, r, { revealed: false, ownerShield: shields.get(r.watchId)! }));
  const hidden = rows.filter((r) => first.get(r.id) !== 'clear').map((r) => r.id);
  if (hidden.length > 0 && 'sessionCreatedAt' in user) {
    for (const id of await ctx.audit.revealedSince(user.id, user.sessionCreatedAt, hidden))
      first.set(id, 'clear');
  }
  return first;
}

/** The rows with their text as this user may read it (see render/text-shield.ts). */
export async function shieldRows<R extends Row>(
  ctx: Pick<WebContext, 'watches' | 'audit'>,
  user: SessionUser | User,
  rows: readonly R[],
) {
  const vis = await visibilityFor(ctx, user, rows);
  return rows.map((r) => shieldText(r, vis.get(r.id)!));
}
