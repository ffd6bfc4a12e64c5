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
  return (
    <select name="role" defaultValue={value ?? 'viewer'} className={input} aria-label="Role">
      <option value="viewer">viewer — status and logs</option>
      <option value="operator">operator — also restart and backup</option>
      <option value="admin">admin — also deploy, upgrade, restore, users</option>
    </select>
  );
}

export function UsersAdmin({ users, me }: { users: UserRow[]; me: number }) {
  return (
    <>
      <h1 className="text-2xl font-semibold">Users</h1>
      <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h2 className="mb-3 font-semibold">Add a user</h2>
        <ActionForm action={createUser} submitLabel="Create user" testId="create-user">
          <input name="username" placeholder="username" aria-label="Username" className={input} required />
          <input name="password" type="password" placeholder="password (10+ characters)" aria-label="Password" className={input} required />
          <RoleSelect />
        </ActionForm>
      </section>
      <section className="divide-y divide-slate-800 rounded-xl border border-slate-800 bg-slate-900">
        {users.map((u) => (
          <div key={u.id} data-testid={`user-${u.username}`} className="space-y-2 px-3 py-4 sm:px-5">
            <div className="flex flex-wrap items-baseline gap-x-3">
              <span className="font-medium">{u.username}</span>
              <span className="text-xs text-slate-400">{u.role}</span>
              {u.disabled && <span className="text-xs text-amber-400">disabled</span>}
              {u.id === me && <span className="text-xs text-sky-400">you</span>}
              <span className="ml-auto text-xs text-slate-500">last sign-in {u.lastLoginAt ?? 'never'}</span>
            </div>
            <div className="flex flex-wrap gap-4">
              <ActionForm action={setUserRole} submitLabel="Change role">
                <input type="hidden" name="id" value={u.id} />
                <RoleSelect value={u.role} />
              </ActionForm>
              <ActionForm action={setUserPassword} submitLabel="Set password">
                <input type="hidden" name="id" value={u.id} />
                <input name="password" type="password" placeholder="new password" aria-label={`New password for ${u.username}`} className={input} required />
              </ActionForm>
              <ActionForm action={setUserDisabled} submitLabel={u.disabled ? 'Enable' : 'Disable'}>
                <input type="hidden" name="id" value={u.id} />
                <input type="hidden" name="disabled" value={String(!u.disabled)} />
              </ActionForm>
              <ActionForm action={deleteUser} submitLabel="Delete" confirm={`Delete user ${u.username}? This cannot be undone.`}>
                <input type="hidden" name="id" value={u.id} />
              </ActionForm>
            </div>
          </div>
        ))}
      </section>
    </>
  );
}
