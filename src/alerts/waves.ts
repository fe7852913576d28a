// Public surface of waves for other modules (the dashboard loads `currentWave(db, watchId)` from
// here): stored waves, and the pure detector they come from.
export { currentWave, listWaves, type WaveRow } from './waves-repo.ts';
export {
  detectWaves,
  thresholdFor,
  type DetectedWave,
  type Detection,
  type HourlyCounts,
  type WaveParams,
} from './wave-detector.ts';
