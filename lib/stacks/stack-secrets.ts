/**
 * The one answer to "which values of this stack must never be shown": the values of its env file's
 * secret-named keys, and the contents of the secret files its `<KEY>_FILE` variables point to (the
 * postgres image's convention). Logs, status, the doctor and job logs all mask with this list.
 */
import { isSecretKey, secretRedactor } from '@/lib/secrets';
import { readSecretVar } from './database';
import { readStackEnv } from './env-file';
import { getStack } from './registry';
import type { Stack } from './types';

/** Never throws: an unreadable env file must not hide a log or a status; the doctor reports it. */
export function stackSecrets(stack: Stack): string[] {
  let env: Map<string, string>;
  try {
    env = readStackEnv(stack);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const [key, value] of env) {
    if (isSecretKey(key)) out.push(value);
    const base = key.replace(/_FILE$/i, '');
    if (base !== key && isSecretKey(base) && !env.get(base)) {
      try {
        const fromFile = readSecretVar(stack, env, base);
        if (fromFile) out.push(fromFile);
      } catch {
        // A missing secret file has nothing to leak.
      }
    }
  }
  return out;
}

/** A compiled masker for one stack's secrets (identity when there are none). */
export function stackRedactor(stack: Stack): (text: string) => string {
  return secretRedactor(stackSecrets(stack));
}

/**
 * The same by stack name, for code that only has the name (a job row). An unknown stack or an
 * invalid config gives the identity: there is nothing configured to hide then.
 */
export function stackRedactorByName(name: string): (text: string) => string {
  let stack: Stack;
  try {
    stack = getStack(name);
  } catch {
    return (text) => text;
  }
  return stackRedactor(stack);
}
