import { describe, expect, it } from 'vitest';
import { detectWaves, HOUR_MS, type WaveParams } from '../../src/alerts/wave-detector.ts';

const params: WaveParams = { factor: 3, minCount: 10, quietMinutes: 180, baselineHalfLifeDays: 14 };
const T0 = Date.UTC(2026, 10, 1, 0, 0);

/** A quiet week (0-2 hostile posts an hour), then `after`. */
function timeline(after: number[]): number[] {
  const quiet = Array.from({ length: 7 * 24 }, (_, i) => [0, 1, 2, 1][i % 4]!);
  return [...quiet, ...after];
}
const endOf = (counts: number[]) => T0 + counts.length * HOUR_MS;

describe('detectWaves()', () => {
  it('finds no wave in a quiet week', () => {
    const counts = timeline([]);
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves).toEqual([]);
    expect(d.baseline).toBeGreaterThan(0.5);
    expect(d.baseline).toBeLessThan(1.5);
    expect(d.threshold).toBe(10); // the minimum count wins over baseline × factor
  });

  it('starts a wave at the spike hour, peaks, and ends after three quiet hours of the decay', () => {
    // spike: 12, 40, 80, 35 — decay: 14, 9, 4, 2, 1 (9 is under the threshold of 10)
    const counts = timeline([12, 40, 80, 35, 14, 9, 4, 2, 1, 0]);
    const spikeStart = T0 + 7 * 24 * HOUR_MS;
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves).toHaveLength(1);
    const w = d.waves[0]!;
    expect(w.startedAt).toBe(spikeStart);
    expect(w.peakAt).toBe(spikeStart + 2 * HOUR_MS);
    expect(w.peakCount).toBe(80);
    // back under the threshold from the 6th hour (9): ends there once 3 quiet hours have passed
    expect(w.endedAt).toBe(spikeStart + 5 * HOUR_MS);
    expect(w.count).toBe(12 + 40 + 80 + 35 + 14);
    expect(w.threshold).toBe(10);
  });

  it('keeps the wave open while the quiet time has not passed yet (all-clear not before)', () => {
    const counts = timeline([12, 40, 80, 35, 14, 9, 4]);
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves[0]!.endedAt).toBeNull();
  });

  it('reports a spike within the current, unfinished hour', () => {
    const counts = timeline([11]);
    const spikeStart = T0 + 7 * 24 * HOUR_MS;
    // 20 minutes into the hour, 11 hostile posts already
    const d = detectWaves({ startHour: T0, counts }, spikeStart + 20 * 60_000, params);
    expect(d.waves).toHaveLength(1);
    expect(d.waves[0]!.startedAt).toBe(spikeStart);
    expect(d.waves[0]!.endedAt).toBeNull();
  });

  it('does not start on a rise under baseline × factor, however large the count', () => {
    // a busy account: 20 an hour for a week; 50 is under 3 × 20
    const counts = [...Array.from({ length: 7 * 24 }, () => 20), 50, 55];
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves).toEqual([]);
    const spike = [...Array.from({ length: 7 * 24 }, () => 20), 70];
    expect(detectWaves({ startHour: T0, counts: spike }, endOf(spike), params).waves).toHaveLength(1);
  });

  it('does not let a wave raise its own baseline, and merges a short lull into the same wave', () => {
    const counts = timeline([30, 30, 5, 30, 30, 30, 30, 30, 30, 0, 0, 0]);
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves).toHaveLength(1);
    expect(d.waves[0]!.count).toBe(30 * 8 + 5);
    expect(d.baseline).toBeLessThan(1.5);
  });

  it('finds two waves separated by a long calm', () => {
    const counts = timeline([40, 40, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0]);
    const d = detectWaves({ startHour: T0, counts }, endOf(counts), params);
    expect(d.waves.map((w) => w.count)).toEqual([80, 25]);
    expect(d.waves.every((w) => w.endedAt !== null)).toBe(true);
  });
});
