'use server';

import { beginEnrolment } from '@/lib/auth/totp';
import { defineAction } from './define-action';
import { emptyInput } from './account-schemas';

// Step 1 of enrolment: a new secret, shown once (QR code and text); nothing changes until confirmed.
export const beginTwoFactor = defineAction({
  name: 'account.2fa-begin',
  role: 'viewer',
  beforeTwoFactor: true,
  schema: emptyInput,
  run: async (_i, { user }) => ({ data: await beginEnrolment(user) }),
});
