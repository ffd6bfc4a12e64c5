import { getDb } from '@/lib/store';
import { ensureFirstAdmin } from '@/lib/auth/first-admin';

export async function startup(): Promise<void> {
  getDb();
  const admin = await ensureFirstAdmin();
  if (admin.created) {
    // Printed once, at the first start only: the password is not stored anywhere in clear.
    const how = admin.generated ? 'generated password (shown only this once; change it after signing in)' : 'password from OPSDECK_ADMIN_PASSWORD';
    console.log(`\n[opsdeck] First admin created — username: ${admin.username}  ${admin.generated ? `password: ${admin.password}` : ''}\n[opsdeck] (${how})\n`);
  }
}
