// The `database.url` setting: which URLs select PostgreSQL, and how one is shown without its
// password (errors, logs, `vigie db copy`'s report).

const PG_SCHEMES = ['postgres:', 'postgresql:'];

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return PG_SCHEMES.some((s) => url.toLowerCase().startsWith(`${s}//`));
}

/** The URL with its password replaced by `***` (and nothing else changed), for messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not parseable: hide everything from the scheme to the last '@' (a password may hold '@').
    return url.replace(/\/\/.*@/, '//***@');
  }
}
