import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's minimum recommended parameters (19 MiB, t=2, p=1).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

let checks = 0;
/**
 * How many passwords this process has verified. The login-limit tests read it to prove that a
 * burst of parallel guesses gets only as many argon2 checks as the limit allows.
 */
export const passwordChecksSoFar = () => checks;

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  checks++;
  try {
    return await verify(hashed, password);
  } catch {
    // A malformed stored hash is a failed verification, never a crash.
    return false;
  }
}

/** Verifying against this keeps unknown-email logins as slow as wrong-password ones. */
let dummyHash: Promise<string> | null = null;
export const timingDummyHash = () => {
  dummyHash ??= hashPassword('timing-equaliser-not-a-password');
  return dummyHash;
};
