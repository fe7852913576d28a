// The word lists the context rules read (who is addressed, groups, negation, reported speech,
// threat context) are data files beside the lexicons: lexicons/<family>.tsv. This reads them once
// per process, synchronously, and folds their entries the way the stream is folded.
//
// A file is a list of lines "name <TAB> entries"; '#' starts a comment line. A list may span several
// lines. A list of words separates them by spaces, a list of phrases separates them by commas; the
// code that reads a list says which it is. A bad file fails at load with the file, the line and the
// list, because a list that silently lost an entry would change verdicts without a trace.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collapse } from './words.ts';

export interface WordLists {
  /** The names of the file's lists, in file order. */
  names(): string[];
  /** The list's words, folded like the stream (see collapse). */
  words(name: string): Set<string>;
  /** The list's phrases in file order, each as its folded words. */
  phrases(name: string): string[][];
}

const LIST_NAME = /^[a-z][a-z_]*$/;
// Plain spelling, as the stream writes words: lowercase ASCII letters and digits ('&' is kept as
// written in the coordinators list).
const PLAIN_WORD = /^[a-z0-9&]+$/;

/** Parses a word-list file; `file` names it in errors. Throws on the first bad line. */
export function parseWordLists(source: string, file: string): WordLists {
  // Each list's lines, in file order, as written (after the tab).
  const lines = new Map<string, string[]>();
  // The file line each list starts at, for errors raised when the list is read.
  const firstLine = new Map<string, number>();
  source.split('\n').forEach((raw, i) => {
    // Trailing spaces go, not a trailing tab: "second<TAB>" is a list with no entries, not a bad line.
    const line = raw.replace(/[ \r]+$/, '');
    if (line === '' || line.startsWith('#')) return;
    const where = `${file} line ${i + 1}`;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`${where}: expected "list <TAB> entries", found no tab`);
    const name = line.slice(0, tab).trim();
    if (!LIST_NAME.test(name)) throw new Error(`${where}: '${name}' is not a list name (lowercase and '_')`);
    const entries = line.slice(tab + 1).trim();
    if (entries === '') throw new Error(`${where}: list '${name}' has a line with no entries`);
    for (const word of entries.split(/[\s,]+/)) {
      if (word !== '' && !PLAIN_WORD.test(word))
        throw new Error(`${where}: list '${name}': '${word}' is not plain spelling (a-z, 0-9, no accents)`);
    }
    const list = lines.get(name);
    if (list) list.push(entries);
    else {
      lines.set(name, [entries]);
      firstLine.set(name, i + 1);
    }
  });
  function linesOf(name: string): string[] {
    const list = lines.get(name);
    if (list === undefined) throw new Error(`${file}: no list '${name}'`);
    return list;
  }
  return {
    names: () => [...lines.keys()],
    words(name) {
      const words: string[] = [];
      for (const entries of linesOf(name)) {
        if (entries.includes(','))
          throw new Error(
            `${file} line ${firstLine.get(name)}: list '${name}' is read as words but holds commas`,
          );
        for (const word of entries.split(/\s+/)) words.push(collapse(word));
      }
      return new Set(words);
    },
    phrases(name) {
      const phrases: string[][] = [];
      for (const entries of linesOf(name)) {
        for (const phrase of entries.split(',')) {
          const words = phrase.trim().split(/\s+/);
          if (words[0] === '')
            throw new Error(`${file} line ${firstLine.get(name)}: list '${name}' has an empty phrase`);
          phrases.push(words.map(collapse));
        }
      }
      return phrases;
    },
  };
}

const loaded = new Map<string, WordLists>();

/** lexicons/<file>, read and parsed once per process. */
export function loadWordLists(file: string): WordLists {
  let lists = loaded.get(file);
  if (lists === undefined) {
    const path = fileURLToPath(new URL(`./lexicons/${file}`, import.meta.url));
    lists = parseWordLists(readFileSync(path, 'utf8'), `lexicons/${file}`);
    loaded.set(file, lists);
  }
  return lists;
}
