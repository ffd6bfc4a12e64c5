import { pingDocker } from '@/lib/docker';
import { getDb } from '@/lib/store';

export interface Readiness {
  ready: boolean;
  checks: { store: boolean; docker: boolean };
}

/** Taking the write lock and releasing it proves the store is writable without changing it. */
function storeWritable(): boolean {
  try {
    const db = getDb();
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

export async function readiness(): Promise<Readiness> {
  const store = storeWritable();
  const docker = (await pingDocker()).ok;
  return { ready: store && docker, checks: { store, docker } };
}
