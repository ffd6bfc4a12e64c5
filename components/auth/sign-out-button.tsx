'use client';

import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';

export function SignOutButton() {
  const t = useTranslations('nav');
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: '/signin' })} className="min-h-11 w-full rounded-md border border-slate-700 px-3 hover:bg-slate-800">
      {t('signOut')}
    </button>
  );
}
