import { describe, expect, it } from 'vitest';
import { loadWordLists, parseWordLists } from '../../src/scoring/word-lists.ts';

const SHIPPED = ['targets.tsv', 'groups.tsv', 'negation.tsv', 'reported-speech.tsv', 'threat-context.tsv'];
// Read as phrases by the code; every other list is read as words.
const PHRASE_LISTS = new Set(['report_cue', 'affection']);

describe('parseWordLists()', () => {
  it('adds up the lines of a list and folds repeated letters like the stream', () => {
    const lists = parseWordLists('# comment\nsecond\ttu toi\n\nsecond\tyou youu\n', 'x.tsv');
    expect([...lists.words('second')]).toEqual(['tu', 'toi', 'you']);
    expect(lists.words('second').has('you')).toBe(true);
  });

  it('keeps phrases in file order, each as its folded words', () => {
    const lists = parseWordLists('cue\ttraite de, called me\ncue\tappelle\n', 'x.tsv');
    expect(lists.phrases('cue')).toEqual([['traite', 'de'], ['caled', 'me'], ['apele']]);
  });

  it('rejects a line without a tab, naming the file and the line', () => {
    expect(() => parseWordLists('second\ttu\nsecond tu toi\n', 'x.tsv')).toThrow(/x\.tsv line 2: .*no tab/);
  });

  it('rejects an accented or upper-case word, naming the list', () => {
    expect(() => parseWordLists('group\tjuifs étrangers\n', 'x.tsv')).toThrow(/list 'group': 'étrangers'/);
    expect(() => parseWordLists('group\tJuifs\n', 'x.tsv')).toThrow(/list 'group': 'Juifs'/);
  });

  it('rejects a list name that is not lowercase words, and a line with no entries', () => {
    expect(() => parseWordLists('Second\ttu\n', 'x.tsv')).toThrow(
      /x\.tsv line 1: 'Second' is not a list name/,
    );
    expect(() => parseWordLists('second\t \n', 'x.tsv')).toThrow(/list 'second' has a line with no entries/);
  });

  it('names the list that is missing, or read as words while it holds phrases', () => {
    const lists = parseWordLists('cue\ttraite de, called me\n', 'x.tsv');
    expect(() => lists.words('second')).toThrow("x.tsv: no list 'second'");
    expect(() => lists.words('cue')).toThrow(/list 'cue' is read as words but holds commas/);
    expect(() => parseWordLists('cue\ttraite de,, me\n', 'x.tsv').phrases('cue')).toThrow(
      /list 'cue' has an empty phrase/,
    );
  });
});

describe('the shipped word lists', () => {
  it('parse, and every list reads as the words or phrases the code expects', () => {
    for (const file of SHIPPED) {
      const lists = loadWordLists(file);
      expect(lists.names().length).toBeGreaterThan(0);
      for (const name of lists.names()) {
        const size = PHRASE_LISTS.has(name) ? lists.phrases(name).length : lists.words(name).size;
        expect(size, `${file} ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('are read once per process', () => {
    expect(loadWordLists('targets.tsv')).toBe(loadWordLists('targets.tsv'));
  });
});
