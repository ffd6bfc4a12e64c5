import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { ConsoleNav } from '@/components/layout/console-nav';
import { TwoFactorPanel } from '@/components/account/two-factor-panel';
import { mustEnrolTwoFactor } from '@/lib/auth/totp';
import { currentUser } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// Only chrome and the sign-in redirect live here; every page still checks its own role.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect('/signin');
  return (
    <>
      <ConsoleNav user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-3 py-4 sm:px-6 sm:py-8">
        {/* OPSDECK_REQUIRE_2FA: an admin without 2FA gets the enrolment instead of any page. */}
        {mustEnrolTwoFactor(user) ? (
          <>
            <p role="alert" className="rounded-md border border-amber-700 bg-amber-950/40 p-3 text-amber-100">
              {(await getTranslations('account.twoFactor'))('mustEnrol')}
            </p>
            <TwoFactorPanel enabled={false} recoveryLeft={0} />
          </>
        ) : (
          children
        )}
      </main>
    </>
  );
}
