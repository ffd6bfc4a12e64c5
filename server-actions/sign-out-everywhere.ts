'use server';

import { endUserSessions } from '@/lib/auth/sessions';
import { defineAction } from './define-action';
import { signOutEverywhereInput } from './account-password-schemas';

// Every session of the caller ends on the server, this one included; the page then clears its cookie.
export const signOutEverywhere = defineAction({
  name: 'account.sign-out-everywhere',
  role: 'viewer',
  schema: signOutEverywhereInput,
  run: async (_i, { user }) => {
    const ended = endUserSessions(user.id);
    return { data: { ended }, message: `Signed out of ${ended} session${ended === 1 ? '' : 's'}.` };
  },
});
