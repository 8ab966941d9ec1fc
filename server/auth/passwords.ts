import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to Argon2id.
export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

// Verifies against a throw-away hash when the account is unknown, so a wrong email costs as much time as a wrong password.
const dummyHash = hash('not-a-real-password-for-timing', { memoryCost: 19456, timeCost: 2, parallelism: 1 });

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await dummyHash), password);
  } catch {
    return false;
  }
}
