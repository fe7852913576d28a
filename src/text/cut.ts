/** The first `max` UTF-16 units of `s` and an ellipsis, never splitting a surrogate pair; `s` when short enough. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}
