'use server';

import { revalidatePath } from 'next/cache';
import { deleteUser as remove } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { deleteUserInput } from './user-schemas';
import { say } from '@/lib/i18n/server-text';

export const deleteUser = defineAction({
  name: 'users.delete',
  role: 'admin',
  schema: deleteUserInput,
  describe: (i) => ({ target: `user #${i.id}` }),
  run: async (i) => {
    remove(i.id);
    revalidatePath('/admin/users');
    return { data: null, message: say('done.userDeleted') };
  },
});
