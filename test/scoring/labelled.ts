// The labelled examples and their metrics live in tools/ (the score bench reads them too).
export { loadLabelled, measure, type Labelled, type Metrics } from '../../tools/labelled-sets.ts';
