import { hash, verify, type Algorithm } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;

// Argon2id with the parameters the accounts have always been hashed with (64 MiB, 3 passes, 4
// lanes, 32-byte tag: what the previous library used by default). The hashes are PHC strings
// (`$argon2id$v=19$m=65536,…`) carrying their own parameters, so every stored hash verifies
// whichever library wrote it. @node-rs/argon2 ships prebuilt: nothing compiles at install.
// `Algorithm` is a const enum, which isolated modules cannot read: Argon2id is its 2.
const ARGON2ID = 2 as Algorithm.Argon2id;
const OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 4,
  outputLen: 32,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  // Unknown users and users without a password still pay for one hash, so timing does not
  // reveal which e-mail addresses have accounts.
  if (!storedHash) {
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `password too short: at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'password too long';
  return null;
}
