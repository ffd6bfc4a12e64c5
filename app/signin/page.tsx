import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { currentUser } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await currentUser()) redirect('/');
  const { callbackUrl } = await searchParams;
  // Only same-site paths: anything else would make the sign-in page an open redirect.
  const target = safeCallbackPath(callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <SignInForm callbackUrl={target} />
    </main>
  );
}
