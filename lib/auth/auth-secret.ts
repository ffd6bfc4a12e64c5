import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '@/lib/data-dir';
import { envOrFile } from '@/lib/env-secret';

/**
 * The key that signs session cookies. NEXTAUTH_SECRET (or NEXTAUTH_SECRET_FILE) wins when set (several replicas must share
 * it); otherwise one is generated on first start and kept in the data directory, so sessions
 * survive a restart without asking a newcomer to invent a secret.
 */
export function authSecret(): string {
  const configured = envOrFile('NEXTAUTH_SECRET');
  if (configured) return configured;
  const file = path.join(dataDir(), 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx' so two processes starting together cannot each write a different secret.
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}
