import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { createUser } from '@/server-actions/create-user';
import { deleteUser } from '@/server-actions/delete-user';
import { setUserDisabled } from '@/server-actions/set-user-disabled';
import { setUserPassword } from '@/server-actions/set-user-password';
import { setUserRole } from '@/server-actions/set-user-role';

interface UserRow {
  id: number;
  username: string;
  role: string;
  disabled: boolean;
  lastLoginAt?: string | null;
}

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

function RoleSelect({ value }: { value?: string }) {
  const t = useTranslations('admin.users');
  return (
    <select name="role" defaultValue={value ?? 'viewer'} className={input} aria-label={t('role')}>
      {(['viewer', 'operator', 'admin'] as const).map((r) => (
        <option key={r} value={r}>
          {t(`roles.${r}`)}
        </option>
      ))}
    </select>
  );
}

export function UsersAdmin({ users, me }: { users: UserRow[]; me: number }) {
  const t = useTranslations('admin.users');
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h2 className="mb-3 font-semibold">{t('add')}</h2>
        <ActionForm action={createUser} submitLabel={t('create')} testId="create-user">
          <input name="username" placeholder={t('usernamePlaceholder')} aria-label={t('username')} className={input} required />
          <input name="password" type="password" placeholder={t('passwordPlaceholder')} aria-label={t('password')} className={input} required />
          <RoleSelect />
        </ActionForm>
      </section>
      <section className="divide-y divide-slate-800 rounded-xl border border-slate-800 bg-slate-900">
        {users.map((u) => (
          <div key={u.id} data-testid={`user-${u.username}`} className="space-y-2 px-3 py-4 sm:px-5">
            <div className="flex flex-wrap items-baseline gap-x-3">
              <span className="font-medium">{u.username}</span>
              <span className="text-xs text-slate-400">{u.role}</span>
              {u.disabled && <span className="text-xs text-amber-400">{t('disabled')}</span>}
              {u.id === me && <span className="text-xs text-sky-400">{t('you')}</span>}
              <span className="ml-auto text-xs text-slate-500">{t('lastSignIn', { when: u.lastLoginAt ?? t('never') })}</span>
            </div>
            <div className="flex flex-wrap gap-4">
              <ActionForm action={setUserRole} submitLabel={t('changeRole')}>
                <input type="hidden" name="id" value={u.id} />
                <RoleSelect value={u.role} />
              </ActionForm>
              <ActionForm action={setUserPassword} submitLabel={t('setPassword')}>
                <input type="hidden" name="id" value={u.id} />
                <input name="password" type="password" placeholder={t('newPassword')} aria-label={t('newPasswordFor', { user: u.username })} className={input} required />
              </ActionForm>
              <ActionForm action={setUserDisabled} submitLabel={u.disabled ? t('enable') : t('disable')}>
                <input type="hidden" name="id" value={u.id} />
                <input type="hidden" name="disabled" value={String(!u.disabled)} />
              </ActionForm>
              <ActionForm action={deleteUser} submitLabel={t('delete')} confirm={t('confirmDelete', { user: u.username })}>
                <input type="hidden" name="id" value={u.id} />
              </ActionForm>
            </div>
          </div>
        ))}
      </section>
    </>
  );
}
