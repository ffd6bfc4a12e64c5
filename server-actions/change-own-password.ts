'use server';

import { changeOwnPassword as change } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { changeOwnPasswordInput } from './account-password-schemas';
import { say } from '@/lib/i18n/server-text';

export const changeOwnPassword = defineAction({
  name: 'account.change-password',
  role: 'viewer',
  schema: changeOwnPasswordInput,
  run: async (i, { user }) => {
    const { endedSessions } = await change(user.id, i.currentPassword, i.newPassword, user.sessionId);
    return { data: null, message: endedSessions === 1 ? say('done.passwordChangedOne') : say('done.passwordChangedMany', { count: String(endedSessions) }) };
  },
});
