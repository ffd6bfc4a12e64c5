import { getDb } from '@/lib/store';
import { ensureFirstAdmin } from '@/lib/auth/first-admin';
import { oidcConfig } from '@/lib/auth/oidc';
import { envOrFile } from '@/lib/env-secret';
import { startStatusRecorder } from '@/lib/status/hub';
import { recoverInterruptedJobs, startRecoverySweep, type RecoveryHandler } from '@/lib/jobs';
import { BACKUP_RECOVERY, cleanBackupTempFiles, startBackupScheduler } from '@/lib/backup';
import { startAiScheduler } from '@/lib/ai-health/scheduler';
import { DEPLOY_RECOVERY } from '@/lib/deploy/recovery';
import { CONFIG_RECOVERY } from '@/lib/config-edit/recovery';
import { startNotifyTicker } from '@/lib/notify';
import { PITR_RECOVERY, startPitrScheduler } from '@/lib/pitr';

/** Cleanup handlers for jobs interrupted by a restart, by recovery-note key; features add theirs. */
const RECOVERY_HANDLERS: Record<string, RecoveryHandler> = { ...BACKUP_RECOVERY, ...DEPLOY_RECOVERY, ...CONFIG_RECOVERY, ...PITR_RECOVERY };

/**
 * Jobs left running by a previous process are interrupted and cleaned up (temp files, half-made
 * databases, an app left stopped) before the scheduler may start anything. Runs in the background:
 * the stack stays locked by the interrupted job until its cleanup is done, so nothing races it.
 */
async function recoverThenSchedule(): Promise<void> {
  try {
    const ids = await recoverInterruptedJobs(RECOVERY_HANDLERS);
    if (ids.length) console.log(`[opsdeck] marked ${ids.length} interrupted job(s) and cleaned up after them: #${ids.join(', #')}`);
    cleanBackupTempFiles();
  } catch (e) {
    console.error('[opsdeck] recovering interrupted jobs failed:', e);
  }
  startRecoverySweep(RECOVERY_HANDLERS);
  startBackupScheduler();
  // Held quiet-hour notices and reminders for things still down.
  startNotifyTicker();
  startPitrScheduler();
}

export async function startup(): Promise<void> {
  // Half an OIDC setup stops the start with its reason, instead of failing every sign-in later.
  const oidc = oidcConfig();
  if (oidc) console.log(`[opsdeck] OIDC sign-in with ${oidc.issuer} (${oidc.roleMap.size} group mapping(s))`);
  getDb();
  const admin = await ensureFirstAdmin({ ...process.env, OPSDECK_ADMIN_PASSWORD: envOrFile('OPSDECK_ADMIN_PASSWORD') });
  if (admin.created) {
    // Printed once, at the first start only: the password is not stored anywhere in clear.
    const how = admin.generated ? 'generated password (shown only this once; change it after signing in)' : 'password from OPSDECK_ADMIN_PASSWORD';
    console.log(`\n[opsdeck] First admin created — username: ${admin.username}  ${admin.generated ? `password: ${admin.password}` : ''}\n[opsdeck] (${how})\n`);
  }
  void recoverThenSchedule();
  // AI-provider probes in the background: one per process (kept on globalThis across hot reloads),
  // its timer unref'd so it never holds the process open; OPSDECK_AI_PROBES=off disables it.
  startAiScheduler();
  // Container events of the stacks are recorded from boot, so the timeline shows what happened
  // before anyone opened a page; also samples CPU/memory for the status charts.
  startStatusRecorder();
}
