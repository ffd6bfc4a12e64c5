/**
 * The periodic look at archiving: the archive lag (how much committed work a disk failure now
 * would lose), the WAL the slot holds back on the database's disk, and the slot dropped — loudly —
 * before it fills that disk. Also `markArchived`, which a restore uses so the archive holds a
 * commit after its target time.
 */
import { notify } from '@/lib/notify';
import { pgServerQuery, pgTools, type PgTools } from '@/lib/postgres/tools';
import { OpsdeckError } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { PITR_DEFAULTS } from '@/lib/stacks/pitr-schema';
import { dropSlot, durableArchivePosition, keptSlotInfo, RECEIVER_ROLE, type SlotInfo } from './archiver';
import { addEvent, currentEpoch, readState, slotName, updateState } from './layout';
import { lsnToBigInt } from './segments';
import { listHelpers, removeHelper } from '@/lib/docker';
import { say } from '@/lib/i18n/server-text';

export interface ArchiveStatus {
  live: boolean;
  lagSeconds: number | null;
  lagBytes: number | null;
  retainedBytes: number;
  slotDropped: boolean;
}

/**
 * Records a (time, WAL position) sample and moves the epoch's newest archived time to the newest
 * sample the receiver's flush has passed. Drops the slot when it holds more than the limit.
 */
export async function watchArchive(stack: Stack, tools: PgTools = pgTools(stack)): Promise<ArchiveStatus> {
  const settings = { ...PITR_DEFAULTS, ...stack.pitr };
  const slot = slotName(stack);
  const info = await keptSlotInfo(stack, tools, slot);
  const limit = settings.slotLimitMb * 1024 * 1024;
  if (info.exists && info.retainedBytes > limit) {
    for (const h of await listHelpers(stack, RECEIVER_ROLE)) await removeHelper(h.id, stack);
    await dropSlot(tools, slot);
    const text = `The replication slot ${slot} held ${Math.round(info.retainedBytes / 1048576)} MB of WAL on the database's disk, over the ${settings.slotLimitMb} MB limit, so Opsdeck dropped it to keep the disk from filling. Continuous archiving has stopped until the next check makes a new slot and base backup; points since the archive last caught up cannot be restored.`;
    updateState(stack, (s) => {
      const e = currentEpoch(s);
      if (e) {
        e.endedAt = info.now;
        e.endReason = 'slot over its limit, dropped';
      }
      addEvent(s, 'error', text);
      s.slotWarned = false;
    });
    notify(stack.name, 'pitr.slot-dropped', { title: say('notify.slotDropped', { stack: stack.name }), text, severity: 'critical' });
    return { live: false, lagSeconds: null, lagBytes: null, retainedBytes: info.retainedBytes, slotDropped: true };
  }
  let lagSeconds: number | null = null;
  const durable = archivedUpTo(stack, info);
  const lagBytes = durable ? Math.max(0, Number(lsnToBigInt(info.currentLsn) - lsnToBigInt(durable))) : null;
  const s = updateState(stack, (st) => {
    const e = currentEpoch(st);
    if (!e || !info.exists) return;
    st.samples.push({ at: info.now, lsn: info.currentLsn });
    if (durable) {
      const flush = lsnToBigInt(durable);
      const passed = st.samples.filter((x) => lsnToBigInt(x.lsn) <= flush).at(-1);
      if (passed && (!e.latestAt || passed.at > e.latestAt)) e.latestAt = passed.at;
      st.samples = st.samples.filter((x) => lsnToBigInt(x.lsn) > flush || x === passed);
    }
    if (e.latestAt) lagSeconds = Math.max(0, (Date.parse(info.now) - Date.parse(e.latestAt)) / 1000);
    const warnAt = limit * 0.8;
    if (info.retainedBytes > warnAt && !st.slotWarned) {
      st.slotWarned = true;
      addEvent(st, 'warn', `The replication slot holds ${Math.round(info.retainedBytes / 1048576)} MB of WAL (limit ${settings.slotLimitMb} MB).`);
      notify(stack.name, 'pitr.lag', { title: say('notify.slotNearLimit', { stack: stack.name }), text: say('notify.slotNearLimitText', { mb: String(Math.round(info.retainedBytes / 1048576)), limit: String(settings.slotLimitMb) }), severity: 'warning' });
    } else if (info.retainedBytes <= warnAt) st.slotWarned = false;
    const late = lagSeconds === null || lagSeconds > settings.lagAlertSeconds;
    if (late && !st.lagAlerted) {
      st.lagAlerted = true;
      notify(stack.name, 'pitr.lag', { title: say('notify.archiveBehind', { stack: stack.name }), text: lagSeconds === null ? say('notify.noReceiver') : say('notify.archiveLag', { seconds: String(Math.round(lagSeconds)), limit: String(settings.lagAlertSeconds) }), severity: 'warning' });
    } else if (!late) st.lagAlerted = false;
  });
  void s;
  return { live: info.active, lagSeconds, lagBytes, retainedBytes: info.retainedBytes, slotDropped: false };
}

/** The archive's durable position in the current epoch (null without a connected receiver). */
function archivedUpTo(stack: Stack, info: SlotInfo): string | null {
  const e = currentEpoch(readState(stack));
  return e && info.exists ? durableArchivePosition(stack, e.id, info) : info.flushLsn;
}

/**
 * Writes a commit on the live server and waits until the receiver has it: after this, every time
 * up to now has a commit after it in the archive, which recovery_target_time needs to stop.
 */
export async function markArchived(stack: Stack, tools: PgTools, timeoutMs = 60_000): Promise<string> {
  // The clock is read before the position: every commit before `at` sits at or below `lsn`.
  const [[, at, lsn]] = await pgServerQuery(tools, 'SELECT txid_current(), clock_timestamp(), pg_current_wal_lsn()');
  // Our own sample, not only the next periodic one: that one is taken after more writes, past the
  // flush, and could leave the window short of this very moment (a new epoch with no piece at all).
  updateState(stack, (st) => {
    if (!currentEpoch(st)) return;
    st.samples.push({ at: new Date(at).toISOString(), lsn });
    st.samples.sort((a, b) => (lsnToBigInt(a.lsn) < lsnToBigInt(b.lsn) ? -1 : lsnToBigInt(a.lsn) > lsnToBigInt(b.lsn) ? 1 : 0));
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await keptSlotInfo(stack, tools, slotName(stack));
    const durable = archivedUpTo(stack, info);
    if (durable && lsnToBigInt(durable) >= lsnToBigInt(lsn)) {
      await watchArchive(stack, tools);
      return lsn;
    }
    if (Date.now() > deadline) throw new OpsdeckError('conflict', say('errors.pitr.notKeepingUp', { lsn, seconds: String(timeoutMs / 1000) }));
    await new Promise((r) => setTimeout(r, 300));
  }
}
