'use server';

import { revalidatePath } from 'next/cache';
import { createApiToken } from '@/lib/auth/api-tokens';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { listStacks } from '@/lib/stacks';
import { defineAction } from './define-action';
import { createTokenInput } from './account-schemas';

// A token for scripts: role not above the creator's, all stacks or some, expiring; shown once.
export const createApiTokenAction = defineAction({
  name: 'api-token.create',
  role: 'viewer',
  schema: createTokenInput,
  describe: (i) => ({ target: `token ${i.name} (${i.role}, ${i.scope === 'all' ? 'all stacks' : i.stacks.join(' ')}, ${i.days} d)` }),
  run: async (i, { user }) => {
    const known = new Set(listStacks().map((s) => s.name));
    const unknown = i.stacks.filter((s) => !known.has(s));
    if (i.scope === 'stacks' && unknown.length) throw new OpsdeckError('invalid_input', say('errors.tokens.unknownStacks', { stacks: unknown.join(', ') }));
    const { token, info } = createApiToken(user, { name: i.name, role: i.role, stacks: i.scope === 'all' ? null : i.stacks, days: i.days });
    revalidatePath('/account/tokens');
    return { data: { token, id: info.id }, message: say('done.tokenCreated') };
  },
});
