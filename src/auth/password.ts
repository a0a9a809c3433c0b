/** Passwords are hashed with argon2id; nothing else in the code sees a hash's format. */
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string) => hash(password, { algorithm: 2 });

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
