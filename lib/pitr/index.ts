/** Public surface of lib/pitr: continuous WAL archiving and point-in-time restore. */
import { listHelpers } from '@/lib/docker';
import type { RecoveryHandler } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { cleanRebuild, REBUILD_ROLE, type RebuildNote } from './rebuild';

export { ensureArchiving, stopArchiving, slotInfo, RECEIVER_ROLE, RECEIVER_CPU_SHARES, type EnsureResult } from './archiver';
export { listBaseBackups, pruneBaseBackups, takeBaseBackup, type BaseBackup } from './base-backup';
export { readState, slotName, receiverName, pitrDir, walDir, type PitrState, type Epoch } from './layout';
export { REBUILD_ROLE, type PointPreview } from './rebuild';
export { previewPoint, refuseTarget, restoreToPoint, startPointPreviewJob, startPointRestoreJob, startPreviewRestoreJob } from './restore-point';
export { latestPreview, previewJobSchema, readPreview, type PointPreviewRecord } from './previews';
export { startBaseBackupJob } from './base-backup-job';
export { markArchived, watchArchive, type ArchiveStatus } from './watch';
export { planTarget, recoveryWindow, type RecoveryWindow } from './window';

/** A rebuild interrupted by Opsdeck's death: its throwaway container and work folder go. */
export const PITR_RECOVERY: Record<string, RecoveryHandler> = {
  'pitr-rebuild': async ({ value, log }) => {
    const note = value as RebuildNote;
    const stack = getStack(note.stack);
    // The container id may not have reached the note: find it by its labels (this job's name).
    const ids = note.container ? [note.container] : [];
    for (const h of await listHelpers(stack, REBUILD_ROLE)) if (!ids.includes(h.id) && h.name.endsWith(`-${note.dir.split('/').pop()}`)) ids.push(h.id);
    for (const id of ids) await cleanRebuild(stack, { ...note, container: id });
    await cleanRebuild(stack, { ...note, container: null });
    log(`Removed the throwaway rebuild container and ${note.dir}; the live database was not touched.`);
  },
};
export { pitrSummary, type PitrSummary } from './summary';
export { pitrTick, pitrWatchTick, startPitrScheduler } from './scheduler';
export { pitrPrerequisites, describePrerequisites, type Prerequisite } from './prerequisites';
