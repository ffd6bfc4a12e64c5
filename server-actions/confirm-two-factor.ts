'use server';

import { revalidatePath } from 'next/cache';
import { confirmEnrolment } from '@/lib/auth/totp';
import { defineAction } from './define-action';
import { confirmTotpInput } from './account-schemas';
import { say } from '@/lib/i18n/server-text';

// Step 2: a code from the app proves it holds the secret; returns the recovery codes (shown once).
export const confirmTwoFactor = defineAction({
  name: 'account.2fa-enable',
  role: 'viewer',
  beforeTwoFactor: true,
  schema: confirmTotpInput,
  run: async (i, { user }) => {
    const codes = await confirmEnrolment(user.id, i.code);
    revalidatePath('/account/security');
    return { data: { recoveryCodes: codes }, message: say('done.twoFactorOn') };
  },
});
