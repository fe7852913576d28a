import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/web/auth/passwords.ts';

// Written by the argon2 package (node-argon2 0.45, its defaults) before the move to
// @node-rs/argon2: accounts created then must keep signing in.
const STORED_BEFORE =
  '$argon2id$v=19$m=65536,p=4,t=3$AV19ZvZigZxv+C8UQyqg9w$D0ic3uzEt2zl6XTn/69W05Ssico07sHBJIM+r/IZD8o';

describe('password hashes', () => {
  it('verifies a hash stored by the previous library, and refuses a wrong password against it', async () => {
    expect(await verifyPassword(STORED_BEFORE, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(STORED_BEFORE, 'correct horse batterie')).toBe(false);
  });

  it('hashes with Argon2id at the same cost (64 MiB, 3 passes, 4 lanes) and a fresh salt each time', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'a long enough password')).toBe(true);
    expect(await verifyPassword(a, 'another password')).toBe(false);
  });

  it('says no, after the same work, for an account without a password or a malformed hash', async () => {
    expect(await verifyPassword(null, 'whatever it is')).toBe(false);
    expect(await verifyPassword('not a hash', 'whatever it is')).toBe(false);
  });
});
