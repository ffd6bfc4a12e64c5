'use server';

import { revalidatePath } from 'next/cache';
import { setPassword } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { setPasswordInput } from './user-schemas';

export const setUserPassword = defineAction({
  name: 'users.set-password',
  role: 'admin',
  schema: setPasswordInput,
  describe: (i) => ({ target: `user #${i.id}` }),
  run: async (i) => {
    await setPassword(i.id, i.password);
    revalidatePath('/admin/users');
    return { data: null, message: 'Password changed; that user’s sessions were signed out.' };
  },
});
