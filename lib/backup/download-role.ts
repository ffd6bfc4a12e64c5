import type { Role } from '@/lib/auth/roles';
import { getStack, type Stack } from '@/lib/stacks';

/** A backup file is the whole database: admin-only unless the stack's config lowers it. */
export const backupDownloadRoleOf = (stack: Pick<Stack, 'backupDownload'>): Role => stack.backupDownload ?? 'admin';

/**
 * The role the download route demands for a `[name]` segment, before anything else is looked at.
 * An unknown or malformed name gets the strictest role: the guard answers the same 401/403 as for
 * a real stack, and only an admin learns that the stack does not exist.
 */
export function backupDownloadRoleFor(name: string): Role {
  try {
    return backupDownloadRoleOf(getStack(name));
  } catch {
    return 'admin';
  }
}
