import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/auth-options';
import { publicRoute } from '@/server-actions/public-route';

// Built per request so a rotated secret file or store is picked up without a module-level cache.
// Public: this is the sign-in itself (next-auth checks its own CSRF token on every POST).
const handler = publicRoute('next-auth sign-in, callback and session endpoints', async (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => {
  return NextAuth(req as never, ctx as never, authOptions());
});

export { handler as GET, handler as POST };
