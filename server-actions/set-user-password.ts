'use server';

import { revalidatePath } from 'next/cache';
import { setPassword } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { setPasswordInput } from './user-schemas';
import { say } from '@/lib/i18n/server-text';

export const setUserPassword = defineAction({
  name: 'users.set-password',
  role: 'admin',
  schema: setPasswordInput,
  describe: (i) => ({ target: `user #${i.id}` }),
  run: async (i) => {
    await setPassword(i.id, i.password);
    revalidatePath('/admin/users');
    return { data: null, message: say('done.userPasswordSet') };
  },
});
