'use server';

import { revalidatePath } from 'next/cache';
import { isOpsdeckError, OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { disableTwoFactor, verifySecondFactor } from '@/lib/auth/totp';
import { verifyCredentials } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { disableTotpInput } from './account-schemas';

// Turning 2FA off takes both factors, so a borrowed unlocked session alone cannot remove it.
export const disableTwoFactorAction = defineAction({
  name: 'account.2fa-disable',
  role: 'viewer',
  schema: disableTotpInput,
  run: async (i, { user, ip }) => {
    await verifyCredentials(user.username, i.password, ip).catch((e) => {
      throw isOpsdeckError(e) && e.code === 'rate_limited' ? e : new OpsdeckError('invalid_input', say('errors.auth.notYourPassword'));
    });
    if (!(await verifySecondFactor(user.id, i.code))) throw new OpsdeckError('invalid_input', say('errors.auth.codeInvalid'));
    disableTwoFactor(user.id);
    revalidatePath('/account/security');
    return { data: null, message: say('done.twoFactorOff') };
  },
});
