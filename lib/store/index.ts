// Entry point for `@/lib/store`; see db.ts (connection) and migrations.ts (schema).
export { closeDb, defaultDbPath, getDb, openDb, type Db } from '@/lib/store/db';
export { MIGRATIONS, currentSchemaVersion, migrate, type Migration, type MigrationResult } from '@/lib/store/migrations';
