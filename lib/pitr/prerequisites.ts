/**
 * What the database server must allow for continuous archiving, checked before a slot is made, in
 * words an admin can act on. The official image's defaults (wal_level=replica, max_wal_senders=10,
 * max_replication_slots=10, a `host replication all 127.0.0.1/32` line from initdb) need no change.
 */
import { pgServerQuery, type PgTools } from '@/lib/postgres/tools';

export interface Prerequisite {
  setting: string;
  found: string;
  fix: string;
  why: string;
}

export async function pitrPrerequisites(tools: PgTools): Promise<Prerequisite[]> {
  const [[walLevel, senders, slots, sendersUsed, slotsUsed, replication]] = await pgServerQuery(tools, `SELECT current_setting('wal_level'),
      current_setting('max_wal_senders')::int, current_setting('max_replication_slots')::int,
      (SELECT count(*) FROM pg_stat_replication), (SELECT count(*) FROM pg_replication_slots),
      (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user)`);
  const out: Prerequisite[] = [];
  if (walLevel === 'minimal') {
    out.push({ setting: 'wal_level', found: walLevel, fix: 'wal_level = replica (then restart PostgreSQL)', why: 'with wal_level=minimal the WAL does not hold enough to rebuild the database from a base backup.' });
  }
  // The receiver and pg_basebackup's WAL stream each take a sender; a standby may take more.
  if (Number(senders) < Number(sendersUsed) + 2) {
    out.push({ setting: 'max_wal_senders', found: senders, fix: `max_wal_senders = ${Number(sendersUsed) + 4} (then restart PostgreSQL)`, why: 'pg_receivewal and pg_basebackup each need a WAL sender connection.' });
  }
  if (Number(slots) < Number(slotsUsed) + 1) {
    out.push({ setting: 'max_replication_slots', found: slots, fix: `max_replication_slots = ${Number(slotsUsed) + 2} (then restart PostgreSQL)`, why: 'the archive keeps its place in a replication slot, so no segment is lost while the receiver is down.' });
  }
  if (replication !== 't') {
    out.push({ setting: 'REPLICATION role attribute', found: `${tools.conn.user} lacks it`, fix: `ALTER ROLE ${tools.conn.user} REPLICATION`, why: 'streaming WAL needs a role allowed to replicate.' });
  }
  const hba = await pgServerQuery(tools, "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type IN ('host', 'hostssl', 'hostnossl') AND error IS NULL").catch(() => null);
  if (hba && hba[0][0] === '0') {
    out.push({ setting: 'pg_hba.conf', found: 'no replication line', fix: 'add "host replication all 127.0.0.1/32 scram-sha-256" to pg_hba.conf and reload', why: 'the receiver connects over 127.0.0.1 inside the database container\'s network for replication, which needs its own pg_hba.conf line.' });
  }
  return out;
}

export const describePrerequisites = (p: Prerequisite[]) => p.map((x) => `${x.setting} is ${x.found}: set ${x.fix} — ${x.why}`).join(' ');
