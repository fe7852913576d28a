import { describe, expect, it } from 'vitest';
import { shieldText, textVisibility } from '../../src/web/render/text-shield.ts';
import { definitionFromForm, formFromDefinition } from '../../src/web/watch-form.ts';
import { watchDef } from './helpers.ts';

const missed = { hostile: false, categories: [], status: null };
const flagged = { hostile: true, categories: ['insult'], status: null };
const cleared = { hostile: false, categories: [], status: 'harmless' };
const reviewedHostile = { hostile: true, categories: ['threat'], status: 'reviewed' };

describe('the text-shield decision', () => {
  it('owner, default shield: only what a proxy marked harmless, or what the owner revealed', () => {
    const o = { revealed: false, ownerShield: undefined };
    expect(textVisibility('owner', missed, o)).toBe('withheld');
    expect(textVisibility('owner', flagged, o)).toBe('withheld');
    expect(textVisibility('owner', reviewedHostile, o)).toBe('withheld');
    expect(textVisibility('owner', cleared, o)).toBe('clear');
    expect(textVisibility('owner', missed, { ...o, revealed: true })).toBe('clear');
  });

  it('owner, scorer shield: what the scorer found harmless; flagged text withheld, never masked', () => {
    const o = { revealed: false, ownerShield: 'scorer' as const };
    expect(textVisibility('owner', missed, o)).toBe('clear');
    expect(textVisibility('owner', flagged, o)).toBe('withheld');
    expect(textVisibility('owner', flagged, { ...o, revealed: true })).toBe('clear');
  });

  it('proxies and reviewers: harmless-scored text clear, flagged text masked until revealed', () => {
    const o = { revealed: false, ownerShield: undefined };
    for (const role of ['proxy', 'reviewer'] as const) {
      expect(textVisibility(role, missed, o)).toBe('clear');
      expect(textVisibility(role, flagged, o)).toBe('masked');
      expect(textVisibility(role, flagged, { ...o, revealed: true })).toBe('clear');
    }
  });

  it('a shielded row carries no text: withheld has nothing, masked only the starred version', () => {
    const row = {
      text: 'Alice tu es une idiote',
      matches: [{ term: 'idiote', category: 'insult', severity: 2, start: 16, end: 22 }],
    };
    expect(shieldText(row, 'withheld')).toMatchObject({
      text: '',
      matches: [],
      masked: null,
      shielded: true,
    });
    const masked = shieldText(row, 'masked');
    expect(masked.text).toBe('');
    expect(masked.masked).not.toContain('idiote');
    expect(masked.masked).toContain('Alice tu es une');
    expect(shieldText(row, 'clear')).toMatchObject({ text: row.text, shielded: false, masked: null });
  });
});

describe('the watch form', () => {
  it('keeps the owner shield: absent means review; scorer is stored when chosen', () => {
    const def = watchDef('alice');
    expect(formFromDefinition(def).ownerShield).toBe('review');
    const scorer = definitionFromForm(def, { ...formFromDefinition(def), ownerShield: 'scorer' });
    expect(scorer.ok && scorer.definition.ownerShield).toBe('scorer');
    const back = definitionFromForm(scorer.ok ? scorer.definition : def, {
      ...formFromDefinition(def),
      ownerShield: 'review',
    });
    expect(back.ok && back.definition.ownerShield).toBeUndefined();
    const bad = definitionFromForm(def, { ...formFromDefinition(def), ownerShield: 'none' });
    expect(bad.ok).toBe(false);
  });
});
