'use server';

import { endUserSessions } from '@/lib/auth/sessions';
import { defineAction } from './define-action';
import { signOutEverywhereInput } from './account-password-schemas';
import { say } from '@/lib/i18n/server-text';

// Every session of the caller ends on the server, this one included; the page then clears its cookie.
export const signOutEverywhere = defineAction({
  name: 'account.sign-out-everywhere',
  role: 'viewer',
  schema: signOutEverywhereInput,
  run: async (_i, { user }) => {
    const ended = endUserSessions(user.id);
    return { data: { ended }, message: ended === 1 ? say('done.signedOutOne') : say('done.signedOutMany', { count: String(ended) }) };
  },
});
