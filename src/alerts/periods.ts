// Digest periods and quiet hours in the recipient's own time zone, with no date library: the
// platform's Intl data knows every IANA zone and its DST rules.

export type DigestFrequency = 'hourly' | 'daily' | 'weekly';

export interface Period {
  start: number;
  end: number;
}

export interface DigestSchedule {
  /** Local hour at which daily and weekly periods end. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday: the day weekly periods end. */
  weekday: number;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(at: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** Offset of the zone from UTC at `at`, in ms (Paris in winter: +3 600 000). */
function offsetAt(at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(at / 60_000) * 60_000;
}

/**
 * The instant at which the local clock of `timeZone` shows this date and time. `day` may overflow
 * (day + 1 at the end of a month is fine). In the hour skipped by DST, the later instant is taken.
 */
export function zonedTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(guess, timeZone);
  if (second !== guess) guess = second;
  return guess;
}

/** The digest period that contains `at` (start inclusive, end exclusive). */
export function periodContaining(
  at: number,
  frequency: DigestFrequency,
  timeZone: string,
  schedule: DigestSchedule,
): Period {
  const p = localParts(at, timeZone);
  if (frequency === 'hourly') {
    let start = zonedTime(p.year, p.month, p.day, p.hour, 0, timeZone);
    if (start > at) start -= 3_600_000;
    return { start, end: start + 3_600_000 };
  }
  // Daily and weekly: the boundary is `schedule.hour` local, on any day or on `schedule.weekday`.
  const boundaryOn = (dayOffset: number) =>
    zonedTime(p.year, p.month, p.day + dayOffset, schedule.hour, 0, timeZone);
  const step = frequency === 'daily' ? 1 : 7;
  let endOffset: number;
  if (frequency === 'daily') {
    endOffset = boundaryOn(0) > at ? 0 : 1;
  } else {
    const daysAhead = (schedule.weekday - p.weekday + 7) % 7;
    endOffset = daysAhead === 0 && boundaryOn(0) <= at ? 7 : daysAhead;
  }
  return { start: boundaryOn(endOffset - step), end: boundaryOn(endOffset) };
}

/**
 * The periods that ended in (after, now], oldest first: what a digest run owes a recipient. The
 * caller passes the end of the last period already recorded (or when the recipient was added).
 */
export function periodsEndedBetween(
  after: number,
  now: number,
  frequency: DigestFrequency,
  timeZone: string,
  schedule: DigestSchedule,
): Period[] {
  const out: Period[] = [];
  let p = periodContaining(after, frequency, timeZone, schedule);
  while (p.end <= now) {
    if (p.end > after) out.push(p);
    p = periodContaining(p.end, frequency, timeZone, schedule);
  }
  return out;
}

export interface QuietHours {
  from: string;
  to: string;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * When non-urgent mail may go out: `at` itself outside quiet hours, otherwise the local time at
 * which they end (22:00–07:00 at 23:30 → 07:00 the next morning).
 */
export function afterQuietHours(at: number, quiet: QuietHours | null, timeZone: string): number {
  if (!quiet) return at;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return at;
  const p = localParts(at, timeZone);
  const now = p.hour * 60 + p.minute;
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return at;
  const dayOffset = from < to || now < to ? 0 : 1;
  return zonedTime(p.year, p.month, p.day + dayOffset, Math.floor(to / 60), to % 60, timeZone);
}
