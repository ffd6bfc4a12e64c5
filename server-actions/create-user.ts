'use server';

import { revalidatePath } from 'next/cache';
import { createUser as create } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { createUserInput } from './user-schemas';
import { say } from '@/lib/i18n/server-text';

export const createUser = defineAction({
  name: 'users.create',
  role: 'admin',
  schema: createUserInput,
  describe: (i) => ({ target: `${i.username} (${i.role})` }),
  run: async (i) => {
    const user = await create(i);
    revalidatePath('/admin/users');
    return { data: { id: user.id }, message: say('done.userCreated', { name: i.username }) };
  },
});
