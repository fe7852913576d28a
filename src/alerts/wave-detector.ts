// The wave detector: a pure function over hourly counts of hostile posts, so that it is tested
// on synthetic timelines with an injected clock, and re-run from the database at every tick
// (the database is the truth; nothing of the detector's state needs to survive a restart).

export interface WaveParams {
  /** A wave starts when an hour's count exceeds baseline × factor… */
  factor: number;
  /** …and is at least this many posts (a quiet account's baseline is near zero). */
  minCount: number;
  /** It ends after this long back under the threshold (rounded up to whole hours). */
  quietMinutes: number;
  /** Half-life of the exponentially weighted baseline. */
  baselineHalfLifeDays: number;
}

export interface HourlyCounts {
  /** Epoch ms of the first bucket, on an hour boundary. */
  startHour: number;
  /** Hostile posts per hour, oldest first; the last bucket may be the current, unfinished hour. */
  counts: readonly number[];
}

export interface DetectedWave {
  startedAt: number;
  peakAt: number;
  peakCount: number;
  /** Start of the first quiet hour; null while the wave is going on. */
  endedAt: number | null;
  count: number;
  baseline: number;
  threshold: number;
}

export interface Detection {
  waves: DetectedWave[];
  /** The baseline and threshold after the last complete hour (for display). */
  baseline: number;
  threshold: number;
}

export const HOUR_MS = 3_600_000;

/** Hours of history needed before the baseline is trusted; with less, only `minCount` applies. */
const SEED_MIN_HOURS = 24;
const SEED_MAX_HOURS = 7 * 24;

/**
 * The starting baseline: the median of the first week of complete hours. An average from zero
 * would take weeks to reach a busy account's usual level (a 14-day half-life), and would call
 * its ordinary days a wave; the median is not moved by a spike inside that first week.
 */
function seedBaseline(input: HourlyCounts, now: number): number {
  const complete = Math.max(0, Math.min(input.counts.length, Math.floor((now - input.startHour) / HOUR_MS)));
  if (complete < SEED_MIN_HOURS) return 0;
  const sample = input.counts
    .slice(0, Math.min(complete, SEED_MAX_HOURS))
    .slice()
    .sort((a, b) => a - b);
  const mid = sample.length >> 1;
  return sample.length % 2 ? sample[mid]! : (sample[mid - 1]! + sample[mid]!) / 2;
}

export function thresholdFor(baseline: number, params: WaveParams): number {
  return Math.max(baseline * params.factor, params.minCount);
}

/**
 * Walks the hours in order, from a baseline seeded with the first week's median. Outside a wave, each complete hour feeds an exponentially weighted
 * moving average (the baseline). A wave starts at the first hour whose count reaches the minimum
 * and exceeds baseline × factor — the current, unfinished hour counts too, so a spike is reported
 * within one poll cycle rather than at the end of the hour. During a wave the baseline is frozen
 * (a pile-on must not raise its own bar), and the wave ends once `quietMinutes` of complete hours
 * have stayed under the threshold.
 */
export function detectWaves(input: HourlyCounts, now: number, params: WaveParams): Detection {
  const alpha = 1 - 2 ** (-1 / (params.baselineHalfLifeDays * 24));
  const quietHoursNeeded = Math.max(1, Math.ceil(params.quietMinutes / 60));
  const waves: DetectedWave[] = [];
  let baseline = seedBaseline(input, now);
  let current: DetectedWave | null = null;
  let quietRun = 0;

  input.counts.forEach((count, i) => {
    const hourStart = input.startHour + i * HOUR_MS;
    if (hourStart > now) return;
    const complete = hourStart + HOUR_MS <= now;
    if (!current) {
      const threshold = thresholdFor(baseline, params);
      if (count >= params.minCount && count > baseline * params.factor) {
        current = {
          startedAt: hourStart,
          peakAt: hourStart,
          peakCount: count,
          endedAt: null,
          count,
          baseline,
          threshold,
        };
        waves.push(current);
        quietRun = 0;
      } else if (complete) {
        baseline += alpha * (count - baseline);
      }
      return;
    }
    if (count < current.threshold) {
      if (!complete) return;
      quietRun++;
      if (quietRun >= quietHoursNeeded) {
        current.endedAt = hourStart - (quietHoursNeeded - 1) * HOUR_MS;
        current = null;
        // The quiet hours that closed the wave are ordinary hours for the baseline.
        for (let q = i - quietHoursNeeded + 1; q <= i; q++)
          baseline += alpha * ((input.counts[q] ?? 0) - baseline);
      }
      return;
    }
    // Back above the threshold: the quiet hours seen so far belong to the wave.
    for (let q = i - quietRun; q < i; q++) current.count += input.counts[q] ?? 0;
    quietRun = 0;
    current.count += count;
    if (count > current.peakCount) {
      current.peakCount = count;
      current.peakAt = hourStart;
    }
  });
  return { waves, baseline, threshold: thresholdFor(baseline, params) };
}
