'use server';

import { changeOwnPassword as change } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { changeOwnPasswordInput } from './account-password-schemas';

export const changeOwnPassword = defineAction({
  name: 'account.change-password',
  role: 'viewer',
  schema: changeOwnPasswordInput,
  run: async (i, { user }) => {
    const { endedSessions } = await change(user.id, i.currentPassword, i.newPassword, user.sessionId);
    const others = endedSessions === 1 ? '1 other session was' : `${endedSessions} other sessions were`;
    return { data: null, message: `Password changed; ${others} signed out.` };
  },
});
