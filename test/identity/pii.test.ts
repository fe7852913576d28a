import { describe, expect, it } from 'vitest';
import { compilePiiGuard, withPiiHits, type PrivateInfo } from '../../src/identity/pii.ts';
import { createScorer } from '../../src/scoring/index.ts';

const info: PrivateInfo = {
  phones: ['06 12 34 56 78', '+44 20 7946 0958'],
  emails: ['alice.martin@example.fr'],
  addresses: ['12 boulevard Voltaire, 75011 Paris', "3 rue de l'Église, 69001 Lyon", '5 allée des Érables'],
  workplaces: ['Lycée Victor-Hugo'],
  relatives: ['Paul Martin'],
};
const guard = compilePiiGuard(info, { names: ['Alice Martin', 'alice_m'] });
const kinds = (text: string) => guard.check(text).map((h) => h.kind);

describe('doxxing: the private information in any format', () => {
  it.each([
    ['son numéro : 06 12 34 56 78', 'phone'],
    ['appelez-la au +33 6 12 34 56 78 !', 'phone'],
    ['0033612345678', 'phone'],
    ['tel 06.12.34.56.78', 'phone'],
    ['0612345678 voilà', 'phone'],
    ['06-12-34-56-78', 'phone'],
    ['+33 (0)6 12 34 56 78', 'phone'],
    ['+33612345678', 'phone'],
    ['+33 06 12 34 56 78', 'phone'],
    ['call +44 20 7946 0958 now', 'phone'],
    ['écrivez à alice.martin [at] example [dot] fr', 'email'],
    ['alice.martin(at)example.fr', 'email'],
    ['alice.martin at example dot fr', 'email'],
    ['ALICE.MARTIN@EXAMPLE.FR', 'email'],
    ['alice martin arobase example point fr', 'email'],
    ['elle vit au 12 bd Voltaire', 'address'],
    ['12, Bd. Voltaire, 3e étage', 'address'],
    ['12 BOULEVARD VOLTAIRE', 'address'],
    ['12 blvd voltaire', 'address'],
    ["3 r. de l'eglise", 'address'],
    ['3 Rue de l’Église', 'address'],
    ['5 all. des erables', 'address'],
    ['5 Allee des Erables', 'address'],
    ['elle habite boulevard Voltaire, à Paris', 'address'],
    ['elle habite avenue Voltaire ? non, bd voltaire 75011', 'address'],
    ['elle bosse au LYCEE victor hugo', 'workplace'],
    ['son frère Paul  MARTIN', 'relative'],
    ['son frère Martin Paul', 'relative'],
  ])('%s → %s', (text, kind) => {
    expect(kinds(text)).toContain(kind);
  });

  it('gives the original offsets of the match', () => {
    const text = 'Adresse: 12 Bd. Voltaire!';
    const [hit] = guard.check(text).filter((h) => h.kind === 'address');
    expect(text.slice(hit!.start, hit!.end)).toBe('12 Bd. Voltaire');
  });

  it('finds a private number followed by other digits', () => {
    expect(kinds('appelle le 06 12 34 56 78 2 fois')).toContain('phone');
  });
});

describe('doxxing: any phone number or street address next to the name', () => {
  it.each([
    ['Alice Martin, son portable : 07 98 76 54 32', 'published_phone'],
    ['@alice_m voici ton numéro 0798765432', 'published_phone'],
    ['Alice Martin +33 7 98 76 54 32', 'published_phone'],
    ['Alice Martin habite au 5 rue des Lilas', 'published_address'],
    ['alice martin : 221 Baker Street', 'published_address'],
    ['Alice Martin, 14 av. Jean Jaurès', 'published_address'],
  ])('%s → %s', (text, kind) => {
    expect(kinds(text)).toContain(kind);
  });
});

describe('doxxing: no false alarm on other numbers', () => {
  it.each([
    'Alice Martin a payé 1 299,99 € le 12/03/2024 à 10:30',
    'commande n°0798765432 pour Alice Martin',
    'Alice Martin, réf. 0798765432',
    'Alice Martin née en 1985, interview du 2024-03-12 10:30',
    'Alice Martin ID 123456789012',
    'Alice Martin : 12.50€, 1 200 000 vues, 45 % de hausse',
    'Alice Martin le 06/12/2024 à 18h30',
    'Alice Martin ISBN 978-2-07-036822-8',
    'Alice Martin a 3 chats et 2 chiens, 15 000 abonnés',
    'Alice Martin, 12 ans de carrière',
    'Alice Martin 2023 2024 2025',
    'appelez le 07 98 76 54 32 pour réserver',
    'le 06 12 34 56 79 est un autre numéro',
    'Paul Martinez est venu',
    'le boulevard Voltaire est fermé',
    'Alice Martin habite à Paris, au 3e étage',
    'Alice Martin : 01/02/2024 - 12:45:10',
  ])('%s', (text) => {
    expect(guard.check(text)).toEqual([]);
  });

  it('checks nothing but names without private information', () => {
    const generic = compilePiiGuard(null, { names: ['Alice Martin'] });
    expect(generic.check('06 12 34 56 78')).toEqual([]);
    expect(generic.check('Alice Martin 06 12 34 56 78').map((h) => h.kind)).toEqual(['published_phone']);
  });
});

describe('withPiiHits', () => {
  it('marks the post doxxing, severe and hostile, with the kind as term and never the value', () => {
    const scorer = createScorer({ names: ['Alice Martin'] });
    const text = 'Alice Martin habite 12 bd Voltaire, appelez le 06 12 34 56 78';
    const s = withPiiHits(scorer.score(text), guard.check(text));
    expect(s.level).toBe('severe');
    expect(s.hostile).toBe(true);
    expect(s.categories).toContain('doxxing');
    const terms = s.matches.filter((m) => m.category === 'doxxing').map((m) => m.term);
    expect(terms).toEqual(expect.arrayContaining(['address', 'phone']));
    expect(JSON.stringify(s.matches)).not.toContain('Voltaire');
    expect(JSON.stringify(s.matches)).not.toContain('06 12');
  });

  it('leaves a post without hits as scored', () => {
    const scorer = createScorer({ names: ['Alice Martin'] });
    const s = scorer.score('bonjour');
    expect(withPiiHits(s, [])).toBe(s);
  });
});
