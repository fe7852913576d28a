import { describe, expect, it } from 'vitest';
import {
  afterQuietHours,
  periodContaining,
  periodsEndedBetween,
  zonedTime,
} from '../../src/alerts/periods.ts';

const schedule = { hour: 8, weekday: 1 };
const iso = (ms: number) => new Date(ms).toISOString();

describe('digest periods in the recipient time zone', () => {
  it('daily periods end at 08:00 Paris time, winter and summer', () => {
    const winter = periodContaining(Date.parse('2026-11-26T12:00:00Z'), 'daily', 'Europe/Paris', schedule);
    expect(iso(winter.start)).toBe('2026-11-26T07:00:00.000Z');
    expect(iso(winter.end)).toBe('2026-11-27T07:00:00.000Z');
    const summer = periodContaining(Date.parse('2026-07-01T05:00:00Z'), 'daily', 'Europe/Paris', schedule);
    expect(iso(summer.start)).toBe('2026-06-30T06:00:00.000Z');
    expect(iso(summer.end)).toBe('2026-07-01T06:00:00.000Z');
  });

  it('a day across the DST change lasts 23 hours', () => {
    const p = periodContaining(Date.parse('2026-03-28T12:00:00Z'), 'daily', 'Europe/Paris', schedule);
    expect(iso(p.start)).toBe('2026-03-28T07:00:00.000Z');
    expect(iso(p.end)).toBe('2026-03-29T06:00:00.000Z');
  });

  it('weekly periods end on Monday 08:00, in New York too', () => {
    const p = periodContaining(Date.parse('2026-11-26T12:00:00Z'), 'weekly', 'America/New_York', schedule);
    expect(iso(p.end)).toBe('2026-11-30T13:00:00.000Z');
    expect(iso(p.start)).toBe('2026-11-23T13:00:00.000Z');
  });

  it('lists every period missed since the last one, oldest first', () => {
    const last = Date.parse('2026-11-20T07:00:00Z');
    const list = periodsEndedBetween(
      last,
      Date.parse('2026-11-23T09:00:00Z'),
      'daily',
      'Europe/Paris',
      schedule,
    );
    expect(list.map((p) => iso(p.end))).toEqual([
      '2026-11-21T07:00:00.000Z',
      '2026-11-22T07:00:00.000Z',
      '2026-11-23T07:00:00.000Z',
    ]);
    const hourly = periodsEndedBetween(
      Date.parse('2026-11-23T07:30:00Z'),
      Date.parse('2026-11-23T10:00:00Z'),
      'hourly',
      'Asia/Kolkata',
      schedule,
    );
    expect(hourly.map((p) => iso(p.end))).toEqual(['2026-11-23T08:30:00.000Z', '2026-11-23T09:30:00.000Z']);
  });

  it('holds non-urgent mail until quiet hours end, across midnight', () => {
    const quiet = { from: '22:00', to: '07:00' };
    expect(iso(afterQuietHours(Date.parse('2026-11-26T22:30:00Z'), quiet, 'Europe/Paris'))).toBe(
      '2026-11-27T06:00:00.000Z',
    );
    expect(iso(afterQuietHours(Date.parse('2026-11-27T03:00:00Z'), quiet, 'Europe/Paris'))).toBe(
      '2026-11-27T06:00:00.000Z',
    );
    const noon = Date.parse('2026-11-27T11:00:00Z');
    expect(afterQuietHours(noon, quiet, 'Europe/Paris')).toBe(noon);
    expect(afterQuietHours(noon, null, 'Europe/Paris')).toBe(noon);
    expect(iso(zonedTime(2026, 11, 31, 7, 0, 'Europe/Paris'))).toBe('2026-12-01T06:00:00.000Z');
  });
});
