// Entry point for `@/lib/store`; see db.ts (connection) and migrations.ts (schema).
export { closeDb, defaultDbPath, getDb, openDb, type Db } from '@/lib/store/db';
export { MIGRATIONS, type Migration } from '@/lib/store/migrations';
export { currentSchemaVersion, migrate, type MigrationResult } from '@/lib/store/migrate';
