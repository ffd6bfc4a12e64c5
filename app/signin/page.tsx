import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { oidcConfig } from '@/lib/auth/oidc';
import { currentUser } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// next-auth's error codes (and ours from the OIDC sign-in callback) as sentences; others are generic.
const ERRORS = ['OidcNoRole', 'OidcDisabled', 'OidcFailed', 'AccessDenied', 'OAuthSignin', 'OAuthCallback'] as const;

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await currentUser()) redirect('/');
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: anything else would make the sign-in page an open redirect.
  const target = safeCallbackPath(callbackUrl);
  const oidc = oidcConfig();
  const t = await getTranslations('signin.errors');
  const known = ERRORS.find((e) => e === error);
  const message = error ? (known ? t(known) : t('generic')) : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-4 sm:p-6">
      <SignInForm callbackUrl={target} oidcLabel={oidc?.label ?? null} initialError={message} />
    </main>
  );
}
