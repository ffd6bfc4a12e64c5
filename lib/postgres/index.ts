/** Public surface of lib/postgres: read-only checks of a stack's PostgreSQL through `pg`. */
export { checkDatabase, reasonOf, type CheckOptions, type DatabaseStatus, type LongQuery } from './check';
