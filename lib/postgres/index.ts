/** Public surface of lib/postgres, the one adapter to PostgreSQL: read-only checks through `pg`, and pg_dump, pg_restore, psql and queries run beside or inside the stack's database (tools.ts). */
export { checkDatabase, reasonOf, type CheckOptions, type DatabaseStatus, type LongQuery } from './check';
