import type { TopItem } from './digest-repo.ts';

// How the hourly alert budget (alerts.maxPerHour) splits a recipient's pending alert-worthy posts
// into messages. Danger is never held back: threats, incitement to suicide, doxxing (private
// information published) and impersonation go out in this run whatever the budget; past it they
// share one grouped message per run. The budget holds back only the rest.

/** Categories the budget never delays. */
export const DANGER_CATEGORIES: readonly string[] = [
  'threat',
  'suicide_incitement',
  'doxxing',
  'impersonation',
];

export function isDanger(item: Pick<TopItem, 'categories'>): boolean {
  return item.categories.some((c) => DANGER_CATEGORIES.includes(c));
}

export interface AlertPlan {
  /** Each entry is one message: one post alone, or several grouped. */
  messages: TopItem[][];
  /** Posts left for a later run (budget spent, nothing dangerous about them). */
  waiting: number;
}

/**
 * `budget` is how many alert messages the recipient may still receive this rolling hour. While it
 * allows, one message per post (dangerous posts first); when the posts outnumber it, its last
 * message groups all the remaining ones; when it is spent, the dangerous posts still go, grouped
 * into one message, and the others wait.
 */
export function planAlerts(pending: readonly TopItem[], budget: number): AlertPlan {
  const danger = pending.filter(isDanger);
  const rest = pending.filter((i) => !isDanger(i));
  const ordered = [...danger, ...rest];
  if (ordered.length === 0) return { messages: [], waiting: 0 };
  if (budget <= 0) return { messages: danger.length ? [danger] : [], waiting: rest.length };
  if (ordered.length <= budget) return { messages: ordered.map((i) => [i]), waiting: 0 };
  const singles = budget - 1;
  return {
    messages: [...ordered.slice(0, singles).map((i) => [i]), ordered.slice(singles)],
    waiting: 0,
  };
}
