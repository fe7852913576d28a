// Where a form or the login page may send the browser next (`?next=`, `back=`): only a path of
// this site. Judged by the browser's own URL rules, not by prefix: `/\t/evil.example` is `//evil…`
// once a browser strips the tab, `/\evil.example` is `//evil…` once it turns the backslash.

const BASE = 'http://vigie.invalid';
// C0 controls, DEL, C1 controls, and the backslash that browsers read as a slash.
const REFUSED = /[\u0000-\u001f\u007f-\u009f\\]/;

/** `value` as a same-origin path (normalised as a browser would), or `fallback`. */
export function sameOriginPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || REFUSED.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
