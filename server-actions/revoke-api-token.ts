'use server';

import { revalidatePath } from 'next/cache';
import { revokeApiToken } from '@/lib/auth/api-tokens';
import { defineAction } from './define-action';
import { revokeTokenInput } from './account-schemas';
import { say } from '@/lib/i18n/server-text';

// Revocation is a row update that every bearer check reads: it counts from the next request.
export const revokeApiTokenAction = defineAction({
  name: 'api-token.revoke',
  role: 'viewer',
  schema: revokeTokenInput,
  describe: (i) => ({ target: `token #${i.id}` }),
  run: async (i, { user }) => {
    const name = revokeApiToken(user.id, i.id);
    revalidatePath('/account/tokens');
    return { data: null, message: say('done.tokenRevoked', { name }) };
  },
});
