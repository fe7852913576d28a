// Dates in the reader's time zone. The zone comes from the account, else from the browser (a
// cookie set by /static/vigie.js), else UTC; every name is checked against the runtime's zone
// database before use, since cookies and form fields are written by the client.

export const TZ_COOKIE = 'vigie_tz';

const known = new Map<string, boolean>();

/** Whether `zone` is an IANA time zone this runtime knows (answers cached: called per request). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  let ok = known.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    if (known.size < 1000) known.set(zone, ok);
  }
  return ok;
}

/** Every zone to offer in a select, UTC first. */
export function timeZoneChoices(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * "2026-11-20 09:30" in `zone` (with " UTC" when the zone is UTC): unambiguous in both languages
 * and sorts as text. The zone is a parameter so pages, mails and tests format the same way.
 */
export function formatInZone(ms: number | null | undefined, zone: string): string {
  if (!ms) return '—';
  if (zone === 'UTC' || zone === 'Etc/UTC') {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  }
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(ms)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The hour and minute in `zone` ("09:42"), for "try again at". */
export function timeOfDayInZone(ms: number, zone: string): string {
  return formatInZone(ms, zone).slice(11, 16);
}

/** The calendar day in `zone` (YYYY-MM-DD). */
export function dayInZone(ms: number | null | undefined, zone: string): string {
  return ms ? formatInZone(ms, zone).slice(0, 10) : '';
}
