// CPU cost for scripts/bench-pitr.mjs: CPU seconds each party used over one pgbench run, from the
// kernel's own counters, so the comparison on/off holds on a loaded machine where TPS does not.
// Parties: the database container's cgroup (and, inside it, its processes by kind: the WAL sender, the
// backends, those that ended in between, each background process by its title), the receiver's
// and pgbench's containers, the bench process (where Opsdeck's lib/pitr code runs) with its reaped
// children (the docker CLI), and the engine: dockerd, its containerd and the containerd shims with
// their reaped children (runc, and processes `docker exec` started, which also count in the
// container they ran in). Plain Node, Linux only; a counter that cannot be read is left out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const HZ = 100; // USER_HZ, the unit of /proc/<pid>/stat times on Linux
const read = (f) => {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return null;
  }
};

/** utime, stime, cutime, cstime (seconds) and ppid, comm of a process; null when it is gone. */
function procStat(pid) {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return null;
  const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { comm, ppid: Number(f[1]), self: (Number(f[11]) + Number(f[12])) / HZ, children: (Number(f[13]) + Number(f[14])) / HZ };
}

function allPids() {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** The cgroup CPU usage (seconds) and throttled time (seconds) of a container's init process. */
function cgroupOf(pid) {
  const lines = (read(`/proc/${pid}/cgroup`) ?? '').split('\n');
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1]?.split(',').includes('cpuacct'));
  if (v1) {
    const acct = ['/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct'].map((r) => path.join(r, v1[2])).find((d) => fs.existsSync(path.join(d, 'cpuacct.usage')));
    const cpu = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].map((r) => path.join(r, v1[2])).find((d) => fs.existsSync(path.join(d, 'cpu.stat')));
    if (!acct) return null;
    return () => {
      const used = Number(read(path.join(acct, 'cpuacct.usage'))) / 1e9;
      const t = /throttled_time (\d+)/.exec(cpu ? read(path.join(cpu, 'cpu.stat')) ?? '' : '');
      return { used, throttled: t ? Number(t[1]) / 1e9 : null };
    };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (!v2) return null;
  const dir = path.join('/sys/fs/cgroup', v2.slice(3));
  return () => {
    const st = read(path.join(dir, 'cpu.stat')) ?? '';
    const u = /usage_usec (\d+)/.exec(st);
    const t = /throttled_usec (\d+)/.exec(st);
    return u ? { used: Number(u[1]) / 1e6, throttled: t ? Number(t[1]) / 1e6 : null } : null;
  };
}

const containerPid = (id) => Number(execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', id], { encoding: 'utf8' }).trim());

/** The engine answering `docker`: its pid file beside the socket (the test bed), else the only dockerd. */
function dockerdPid() {
  const host = process.env.DOCKER_HOST ?? '';
  if (host.startsWith('unix://')) {
    const pid = Number(read(path.join(path.dirname(host.slice(7)), 'docker.pid')));
    if (pid) return pid;
  }
  const found = allPids().filter((p) => procStat(p)?.comm === 'dockerd');
  return found.length === 1 ? found[0] : null;
}

/**
 * A snapshot function: call it before and after a run; `diff(a, b)` gives seconds per party.
 * `containers` maps a party's name to a container id (or a function giving one, or null), read at
 * each snapshot, since the receiver and pgbench containers come and go.
 */
export function costMeter(containers) {
  const engine = dockerdPid();
  // Its containerd namespace tells its shims from other engines' on the same machine.
  const args = engine ? (read(`/proc/${engine}/cmdline`) ?? '').split('\0') : [];
  const at = args.indexOf('--containerd-namespace');
  const namespace = at >= 0 ? args[at + 1] : 'moby';
  const snapshot = () => {
    const out = {};
    const pids = allPids();
    const stats = new Map(pids.map((p) => [p, procStat(p)]).filter(([, s]) => s));
    for (const [name, idOf] of Object.entries(containers)) {
      const id = typeof idOf === 'function' ? idOf() : idOf;
      if (!id) continue;
      let pid;
      try {
        pid = containerPid(id);
      } catch {
        continue;
      }
      const cg = pid ? cgroupOf(pid)?.() : null;
      if (cg) {
        out[name] = cg.used;
        if (cg.throttled !== null) out[`${name} throttled`] = cg.throttled;
      }
      if (name === 'database' && pid) {
        // The postmaster (the container's init) and its children by kind, from their titles
        // ("postgres: walsender …", "postgres: checkpointer", "postgres: user db host(port) …"),
        // per process: diff() gives each kind its share and the processes that ended in between
        // (pgbench's backends, autovacuum workers) their time after the first snapshot.
        const kids = new Map();
        for (const [p, s] of stats) {
          if (s.ppid !== pid) continue;
          const title = (read(`/proc/${p}/cmdline`) ?? '').replace(/\0/g, ' ');
          // An empty title is a process that has exited and not been reaped yet (pgbench's backends
          // right after it ends): counted with those reaped.
          const kind = !title ? 'ended in between' : /walsender/.test(title) ? 'walsender'
            : /^postgres: \S+ \S+ \S+\(\d+\)|\[local\]/.test(title) ? 'backends'
            : /autovacuum worker/.test(title) ? 'autovacuum workers'
            : title.replace(/^postgres: /, '').trim();
          kids.set(p, { kind, t: s.self });
        }
        const pm = stats.get(pid);
        out[POSTGRES] = { kids, reaped: pm?.children ?? 0, self: pm?.self ?? 0 };
      }
    }
    const me = procStat(process.pid);
    out['bench process'] = me.self;
    out['bench children'] = me.children;
    if (engine) {
      // Per process, so a shim that ends between two snapshots (pgbench's) does not count negative.
      out.engine = new Map();
      for (const [p, s] of stats) {
        const shim = /^containerd-shim/.test(s.comm) && (read(`/proc/${p}/cmdline`) ?? '').split('\0').includes(namespace);
        if (p === engine || s.ppid === engine || shim) out.engine.set(p, s.self + s.children);
      }
    }
    return out;
  };
  return snapshot;
}

const POSTGRES = 'database: processes';

/** The database's CPU by kind of process between two snapshots (see `snapshot`). */
function byKind(a, b) {
  const out = { 'database: walsender': 0, 'database: backends': 0, 'database: ended in between': 0, 'database: postmaster': b.self - a.self };
  for (const [p, { kind, t }] of b.kids) out[`database: ${kind}`] = (out[`database: ${kind}`] ?? 0) + t - (a.kids.get(p)?.t ?? 0);
  // Reaped children's time (pgbench's backends, ended autovacuum workers), less what the ones gone
  // since `a` had used by then.
  let gone = 0;
  for (const [p, { t }] of a.kids) if (!b.kids.has(p)) gone += t;
  out['database: ended in between'] += b.reaped - a.reaped - gone;
  return out;
}

/** b − a per party (only parties present in both). */
export function diff(a, b) {
  const out = {};
  for (const k of Object.keys(b).filter((x) => x in a)) {
    if (k === POSTGRES) Object.assign(out, byKind(a[k], b[k]));
    else if (b[k] instanceof Map) {
      let sum = 0;
      for (const [p, t] of b[k]) sum += t - (a[k].get(p) ?? 0);
      out[k] = sum;
    } else out[k] = b[k] - a[k];
  }
  // What the cgroup counted outside the postmaster's tree: the health check's `docker exec
  // pg_isready` every few seconds, and interrupts taken while the database's processes ran.
  const kinds = Object.keys(out).filter((k) => k.startsWith('database: '));
  if ('database' in out && kinds.length) out['database: rest of its cgroup'] = out.database - kinds.reduce((sum, k) => sum + out[k], 0);
  return out;
}
