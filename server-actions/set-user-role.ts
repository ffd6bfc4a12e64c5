'use server';

import { revalidatePath } from 'next/cache';
import { setRole } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { setRoleInput } from './user-schemas';
import { say } from '@/lib/i18n/server-text';

export const setUserRole = defineAction({
  name: 'users.set-role',
  role: 'admin',
  schema: setRoleInput,
  describe: (i) => ({ target: `user #${i.id} → ${i.role}` }),
  run: async (i) => {
    setRole(i.id, i.role);
    revalidatePath('/admin/users');
    return { data: null, message: say('done.roleChanged') };
  },
});
