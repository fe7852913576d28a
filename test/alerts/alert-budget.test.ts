import { describe, expect, it } from 'vitest';
import { isDanger, planAlerts } from '../../src/alerts/alert-budget.ts';
import type { TopItem } from '../../src/alerts/digest-repo.ts';

const item = (id: number, categories: string[]): TopItem => ({
  id,
  text: `post ${id}`,
  matches: [],
  level: 'severe',
  score: 90,
  categories,
  platform: 'x',
  authorHandle: null,
  authorName: null,
  seenAt: 0,
});
const ids = (messages: TopItem[][]) => messages.map((m) => m.map((i) => i.id));

describe('the hourly alert budget', () => {
  it('threats, incitement to suicide, doxxing and impersonation are danger; insults and calls to dox are not', () => {
    for (const c of ['threat', 'suicide_incitement', 'doxxing', 'impersonation'])
      expect(isDanger(item(1, ['insult', c]))).toBe(true);
    for (const c of ['insult', 'hate', 'doxxing_language', 'sexual_harassment'])
      expect(isDanger(item(1, [c]))).toBe(false);
  });

  it('within the budget: one message per post, danger first', () => {
    const plan = planAlerts([item(1, ['insult']), item(2, ['threat']), item(3, [])], 5);
    expect(ids(plan.messages)).toEqual([[2], [1], [3]]);
    expect(plan.waiting).toBe(0);
  });

  it('more posts than the budget: its last message groups the rest', () => {
    const pending = Array.from({ length: 20 }, (_, i) => item(i + 1, i % 2 ? ['threat'] : ['insult']));
    const plan = planAlerts(pending, 5);
    expect(plan.messages).toHaveLength(5);
    expect(plan.messages.slice(0, 4).every((m) => m.length === 1 && isDanger(m[0]!))).toBe(true);
    expect(plan.messages[4]).toHaveLength(16);
    expect(
      plan.messages
        .flat()
        .map((i) => i.id)
        .sort((a, b) => a - b),
    ).toEqual(pending.map((i) => i.id));
  });

  it('budget spent: danger goes out grouped in one message, the rest waits', () => {
    const plan = planAlerts([item(1, ['insult']), item(2, ['doxxing']), item(3, ['threat']), item(4, [])], 0);
    expect(ids(plan.messages)).toEqual([[2, 3]]);
    expect(plan.waiting).toBe(2);
    expect(planAlerts([item(1, ['insult'])], -2)).toEqual({ messages: [], waiting: 1 });
  });
});
