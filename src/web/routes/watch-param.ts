import type { User } from '../auth/users-repo.ts';
import { HttpError } from '../web-context.ts';

/** The watch a page is about: the one asked for if the user may see it, else their first. */
export function pickWatch(user: User, asked: string | undefined): string {
  if (asked) {
    if (!user.watchIds.includes(asked)) throw new HttpError(404, 'no such watch', 'error.noSuchWatch');
    return asked;
  }
  const first = user.watchIds[0];
  if (!first) throw new HttpError(404, 'no watch linked to this account', 'error.noWatchLinked');
  return first;
}
