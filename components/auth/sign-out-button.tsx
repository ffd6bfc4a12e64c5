'use client';

import { signOut } from 'next-auth/react';

export function SignOutButton() {
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: '/signin' })} className="rounded-md border border-slate-700 px-3 py-1 hover:bg-slate-800">
      Sign out
    </button>
  );
}
