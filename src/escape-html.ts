const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Post text, author names and
 * URLs are written by attackers: every hand-built HTML string (reports, error pages, charts) goes
 * through this one function; templates rely on eta's auto-escaping, which escapes the same way.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
