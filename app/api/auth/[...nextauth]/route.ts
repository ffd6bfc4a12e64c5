import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/auth-options';

// Built per request so a rotated secret file or store is picked up without a module-level cache.
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
