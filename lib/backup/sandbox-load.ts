/**
 * One load of a dump into a scratch database inside the restore sandbox (restore-role.ts): psql's
 * client checked for restricted mode (plain SQL), allow-listed extensions created, the role made,
 * the load and its check run as that role, everything handed to the stack's user, the role dropped.
 * On failure the scratch database (still the role's) and the role are dropped here; a recovery
 * note covers Opsdeck dying in the middle (recovery.ts).
 */
import type { JobContext } from '@/lib/jobs';
import { dropDatabase } from './databases';
import { dumpContents, loadDump } from './dump-io';
import type { DumpFormat } from './manifest';
import { during, type PgLogin, type PgTools } from '@/lib/postgres/tools';
import { requireRestrictedPsql } from './restricted-sql';
import { createRestoreRole, dropRestoreRole, handOver, prepareExtensions, restoreRoleName } from './restore-role';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

/** Recovery note while a restore role exists (see recovery.ts). */
export interface RestoreRoleNote {
  stack: string;
  role: string;
  scratch: string;
}

export interface SandboxLoad {
  file: string;
  format: DumpFormat;
  scratch: string;
  onBytes: (n: number) => void;
  /** Default true: the import check on plain SQL, for its friendly refusal. The sandbox tests turn it off. */
  lint?: boolean;
}

type Ctx = Pick<JobContext, 'id' | 'stack' | 'emit' | 'remember' | 'forget' | 'signal'>;

export async function loadInSandbox<T>(tools: PgTools, load: SandboxLoad, ctx: Ctx, check: (as: PgLogin, via: string) => Promise<T>): Promise<{ via: string; checked: T; role: string }> {
  const { scratch, format } = load;
  const log = (said: Said, level: 'info' | 'warn' = 'info') => ctx.emit({ type: 'log', level, ...said });
  if (format !== 'custom') await requireRestrictedPsql(tools);
  const contents = await during('load', dumpContents(tools, load.file, format, ctx.signal));
  const { created, present } = await prepareExtensions(tools, scratch, contents.extensions);
  if (created.length) log(say('log.sandbox.extensions', { extensions: created.join(', '), scratch }));

  const role = restoreRoleName(ctx.id);
  const noteKey = `restore-role:${role}`;
  ctx.remember(noteKey, { stack: ctx.stack, role, scratch } satisfies RestoreRoleNote);
  let done = false;
  try {
    const as = await createRestoreRole(tools, scratch, role);
    log(say('log.sandbox.loadingAs', { role, scratch, restricted: format === 'custom' ? '' : say('log.sandbox.restricted') }));
    const via = await during('load', loadDump(tools, load.file, format, scratch, load.onBytes, {
      as, signal: ctx.signal, lint: load.lint ?? true, existingExtensions: present, toc: contents.toc,
    }));
    const checked = await during('check', check(as, via));
    await handOver(tools, scratch, role);
    await dropRestoreRole(tools, role);
    log(say('log.sandbox.handed', { scratch, user: tools.conn.user, role }));
    done = true;
    return { via, checked, role };
  } finally {
    if (!done) {
      // Until handed over the scratch database is the role's: it goes first, then the role.
      await dropDatabase(tools, scratch).catch((e: Error) => log(say('log.restore.couldNotDrop', { name: scratch, error: e.message }), 'warn'));
      await dropRestoreRole(tools, role).then(
        () => log(say('log.sandbox.roleDropped', { role })),
        (e: Error) => log(say('log.sandbox.roleNotDropped', { role, error: e.message }), 'warn'),
      );
    }
    ctx.forget(noteKey);
  }
}
