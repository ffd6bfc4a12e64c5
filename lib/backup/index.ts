// Public surface of lib/backup: backups, restores, schedules. The upgrade feature reuses
// takeBackup and restoreDatabase inside its own job.
export { takeBackup, testRestoreBackup, type BackupOptions } from './take-backup';
export { restoreDatabase, undoRestore, dropKeptDatabase, verifyChecksum, type RestoreOptions, type RestoreResult } from './restore';
export { RESTORE_PARTS, type RestorePart } from './volume-restore';
export { swapInDatabase, DEFAULT_HEALTH_TIMEOUT_MS } from './swap';
export { waitAppHealthy, type HealthResult } from './app-health';
export { listBackups, getBackup, looseFiles, deleteBackupFiles, backupDir, backupFiles, volumePath, type BackupEntry, type LooseFile } from './catalogue';
export { listKeptDatabases, type KeptDatabase } from './databases';
export { pgTools } from '@/lib/postgres/tools';
export { restorePreview, compareVersions, type RestorePreview } from './preview';
export { getBackupSettings, saveBackupSettings, settingsInputSchema, nextScheduledRun, type BackupSettings, type SettingsInput } from './settings';
export { parseCron, nextRun, CronError } from './cron';
export { planRetention, type RetentionPolicy } from './retention';
export {
  applyRetention, startBackupJob, startRestoreJob, startUndoRestoreJob, startDropKeptJob, startImportUploadJob, startImportDirectoryJob,
} from './backup-jobs';
export { runDueBackups, startBackupScheduler, stopBackupScheduler } from './scheduler';
export { BACKUP_RECOVERY, cleanBackupTempFiles } from './recovery';
export { formatBytes, freeSpace } from './failure';
export { backupIdSchema, TEMP_PREFIX, type BackupManifest, type BackupReason, type DumpFormat, type VolumeArchive } from './manifest';
export { displayName } from './import';
export { HashingFileSink } from './file-sink';
