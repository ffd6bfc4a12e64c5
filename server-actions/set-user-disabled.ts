'use server';

import { revalidatePath } from 'next/cache';
import { setDisabled } from '@/lib/auth/users';
import { defineAction } from './define-action';
import { setDisabledInput } from './user-schemas';
import { say } from '@/lib/i18n/server-text';

export const setUserDisabled = defineAction({
  name: 'users.set-disabled',
  role: 'admin',
  schema: setDisabledInput,
  describe: (i) => ({ target: `user #${i.id} ${i.disabled ? 'disabled' : 'enabled'}` }),
  run: async (i) => {
    setDisabled(i.id, i.disabled);
    revalidatePath('/admin/users');
    return { data: null, message: i.disabled ? say('done.userDisabled') : say('done.userEnabled') };
  },
});
