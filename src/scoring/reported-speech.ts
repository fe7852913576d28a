// Reported speech: an insult quoted or introduced by a reporting or counter-speech frame ("il m'a
// traitée de …", "stop calling her …", "the word …") is not the speaker's; reported by the person
// it was said to ("he called me …") it is aimed at nobody. The frames are data
// (lexicons/reported-speech.tsv).
import { addressedInClause } from './targets.ts';
import type { Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

const L = loadWordLists('reported-speech.tsv');
// In file order: the first cue that fits decides whether the report is the speaker's own.
const REPORT_CUES = L.phrases('report_cue');
/** The cues by their last word: a cue ending at word k can only be one of CUES_BY_LAST[words[k]]. */
const CUES_BY_LAST = new Map<string, string[][]>();
for (const cue of REPORT_CUES) {
  const last = cue[cue.length - 1] as string;
  const list = CUES_BY_LAST.get(last);
  if (list) list.push(cue);
  else CUES_BY_LAST.set(last, [cue]);
}
const INCLUSIVE = L.words('inclusive');
const FIRST_PERSON = L.words('first_person');

export interface Report {
  /** Quoted or introduced by a reporting/counter-speech frame. */
  reported: boolean;
  /** Reported by the person it was said to ("il m'a traitée de …", "he called me …"). */
  selfReport: boolean;
}

/** Whether the hit at word wi is quoted or reported, and whether it was said to the speaker. */
export function reportOf(w: Words, wi: number, sentence: number, clause: number): Report {
  let reported = w.quoted[wi] === true;
  let selfReport = false;
  // The words before the hit, skipping inclusive-writing suffixes: "traité(e) de" → "traite de".
  const before: number[] = [];
  /** Whether before[i] is in the hit's clause (bridging "(e)" as well). */
  const sameClause: boolean[] = [];
  let cur = sentence;
  let inClause = true;
  for (let k = wi - 1; k >= 0 && before.length < 8; k--) {
    if (INCLUSIVE.has(w.words[k] as string)) continue;
    const bridged = INCLUSIVE.has(w.words[k + 1] as string);
    if (w.sentence[k] !== cur) {
      if (!bridged) break;
      cur = w.sentence[k] as number;
    }
    if (w.clause[k] !== w.clause[k + 1] && !bridged) inClause = false;
    before.push(k);
    sameClause.push(inClause);
  }
  // A clause that addresses someone itself is not part of an earlier report: "you called me a
  // liar, you idiot", "tu m'as traitée de menteuse, espèce de connard".
  const addressed = addressedInClause(w, wi, clause);
  for (let end = 0; !reported && end < before.length; end++) {
    if (addressed && sameClause[end] !== true) break;
    const cues = CUES_BY_LAST.get(w.words[before[end] as number] as string);
    if (cues === undefined) continue;
    for (const cue of cues) {
      if (end + cue.length > before.length) continue;
      let ok = true;
      for (let c = 0; c < cue.length && ok; c++)
        ok = w.words[before[end + c] as number] === cue[cue.length - 1 - c];
      if (ok) {
        reported = true;
        // Said to the speaker ("m'a traitée de", "called me", "said I was"), in the hit's clause.
        const last = Math.min(before.length, end + cue.length + 2);
        for (let c = end; c < last && sameClause[c] === true; c++) {
          if (FIRST_PERSON.has(w.words[before[c] as number] as string)) selfReport = true;
        }
        break;
      }
    }
  }
  return { reported, selfReport };
}
