import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { oidcConfig } from '@/lib/auth/oidc';
import { currentUser } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// next-auth's error codes (and ours from the OIDC sign-in callback) as sentences; others are generic.
const ERRORS: Record<string, string> = {
  OidcNoRole: 'Your account is in no group that Opsdeck maps to a role. Ask an admin to add you to one.',
  OidcDisabled: 'This account is disabled in Opsdeck.',
  OidcFailed: 'Signing in with single sign-on failed; the details are in the Opsdeck log.',
  AccessDenied: 'Signing in was refused.',
  OAuthSignin: 'The identity provider could not be reached.',
  OAuthCallback: 'The identity provider’s answer could not be checked.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await currentUser()) redirect('/');
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: anything else would make the sign-in page an open redirect.
  const target = safeCallbackPath(callbackUrl);
  const oidc = oidcConfig();
  const message = error ? (ERRORS[error] ?? 'Signing in failed. Try again.') : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <SignInForm callbackUrl={target} oidcLabel={oidc?.label ?? null} initialError={message} />
    </main>
  );
}
