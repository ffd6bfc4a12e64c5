'use strict';
// opsdeck/demo-app — a small stand-in for Memos, enough for Opsdeck to operate something real:
// it migrates a PostgreSQL schema and records its version where Memos does (system_setting rows
// `schema_version` and `BASIC`), refuses to run on a schema newer than it knows, answers
// GET /healthz with "Service ready." only while the database answers, and logs slog-style JSON.
//
// Versions (APP_VERSION, baked into each image tag):
//   1.0.0          schema 0.1.0: system_setting + memo
//   1.1.0          schema 0.2.0: + memo.pinned, + memo_tag (upgrades a 0.1.0 database in one transaction)
//   never-healthy  connects and logs, never migrates, /healthz is always 503 (a broken release)
// DEMO_FORCE_UNHEALTHY=1 makes any version behave like never-healthy for /healthz.

const http = require('node:http');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { Pool } = require('pg');

const VERSION = process.env.APP_VERSION || '1.0.0';
const PORT = Number(process.env.MEMOS_PORT || 5230);
const HOST = process.env.MEMOS_ADDR || '127.0.0.1';
const HEARTBEAT_MS = Number(process.env.DEMO_HEARTBEAT_MS || 2000);
const NEVER_HEALTHY = VERSION === 'never-healthy' || process.env.DEMO_FORCE_UNHEALTHY === '1';

// Ordered migrations; each runs inside the single upgrade transaction.
const MIGRATIONS = [
  {
    version: '0.1.0',
    sql: [
      `CREATE TABLE IF NOT EXISTS system_setting (name text PRIMARY KEY, value text NOT NULL, description text NOT NULL DEFAULT '')`,
      `CREATE TABLE IF NOT EXISTS memo (id serial PRIMARY KEY, content text NOT NULL, created_ts timestamptz NOT NULL DEFAULT now())`,
    ],
  },
  {
    version: '0.2.0',
    sql: [
      `ALTER TABLE memo ADD COLUMN pinned boolean NOT NULL DEFAULT false`,
      `CREATE TABLE memo_tag (memo_id integer NOT NULL REFERENCES memo(id) ON DELETE CASCADE, tag text NOT NULL, PRIMARY KEY (memo_id, tag))`,
    ],
  },
];
const SCHEMA_FOR_VERSION = { '1.0.0': '0.1.0', '1.1.0': '0.2.0' };
const TARGET_SCHEMA = SCHEMA_FOR_VERSION[VERSION] || null;

// ---- logging: one JSON object per line; INFO/DEBUG to stdout, WARN/ERROR to stderr (like slog).
function log(level, msg, fields) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n';
  (level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout).write(line);
}

function cmpVersion(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function readDsn() {
  const direct = process.env.MEMOS_DSN;
  const file = process.env.MEMOS_DSN_FILE;
  if (direct && file) throw Object.assign(new Error('both MEMOS_DSN and MEMOS_DSN_FILE are set'), { code: 'config_invalid' });
  if (file) return fs.readFileSync(file, 'utf8').trim();
  if (!direct) throw Object.assign(new Error('MEMOS_DSN is not set'), { code: 'config_invalid' });
  return direct;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let pool = null;
let currentSchema = null;
let shuttingDown = false;
let requestsTotal = 0;
let server = null;
const startedAt = Date.now();

async function connectWithRetry(deadlineMs) {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadlineMs || shuttingDown) throw err;
      log('WARN', 'database not reachable yet, retrying', { attempt, error: err.message, error_code: 'db_unavailable' });
      await sleep(1000);
    }
  }
}

async function readSchemaVersion(client) {
  const t = await client.query(`SELECT to_regclass('public.memo') AS memo, to_regclass('public.system_setting') AS ss`);
  if (!t.rows[0].memo) return null; // like Memos: no memo table = not initialised
  if (!t.rows[0].ss) return '0.0.0';
  const r = await client.query(`SELECT value FROM system_setting WHERE name = 'schema_version'`);
  return r.rows.length ? r.rows[0].value : '0.0.0';
}

async function migrate() {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two replicas starting at once must not both migrate.
    await client.query('SELECT pg_advisory_xact_lock(5230)');
    const before = await readSchemaVersion(client);
    if (before && cmpVersion(before, TARGET_SCHEMA) > 0) {
      await client.query('ROLLBACK');
      const err = new Error(`database schema ${before} is newer than this release supports (${TARGET_SCHEMA}); refusing to start (downgrade is not supported)`);
      err.code = 'schema_newer';
      throw err;
    }
    const pending = MIGRATIONS.filter(
      (m) => cmpVersion(m.version, TARGET_SCHEMA) <= 0 && (before === null || cmpVersion(m.version, before) > 0),
    );
    for (const m of pending) {
      log('INFO', 'applying migration', { schema_version: m.version });
      for (const stmt of m.sql) await client.query(stmt);
    }
    if (pending.length) {
      const set = `INSERT INTO system_setting (name, value, description) VALUES ($1, $2, $3)
                   ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`;
      await client.query(set, ['schema_version', TARGET_SCHEMA, 'database schema version']);
      await client.query(set, ['BASIC', JSON.stringify({ schemaVersion: TARGET_SCHEMA }), 'basic instance setting']);
    }
    await client.query('COMMIT');
    currentSchema = TARGET_SCHEMA;
    log('INFO', pending.length ? 'database migrated' : 'database schema up to date', {
      from: before || 'none',
      schema_version: TARGET_SCHEMA,
    });
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// ---- HTTP
function send(res, status, body, type) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type || (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json') });
  res.end(payload);
}

function readJson(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) reject(Object.assign(new Error('request body too large'), { status: 413, code: 'body_too_large' }));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(Object.assign(new Error('invalid JSON body'), { status: 400, code: 'invalid_json' }));
      }
    });
    req.on('error', reject);
  });
}

async function listMemos() {
  const cols = currentSchema && cmpVersion(currentSchema, '0.2.0') >= 0
    ? `m.id, m.content, m.created_ts, m.pinned,
       COALESCE((SELECT array_agg(t.tag ORDER BY t.tag) FROM memo_tag t WHERE t.memo_id = m.id), '{}') AS tags`
    : 'm.id, m.content, m.created_ts';
  const r = await pool.query(`SELECT ${cols} FROM memo m ORDER BY m.id`);
  return r.rows;
}

async function createMemo(body) {
  if (typeof body.content !== 'string' || body.content.trim() === '') {
    throw Object.assign(new Error('content must be a non-empty string'), { status: 400, code: 'invalid_input' });
  }
  if (currentSchema && cmpVersion(currentSchema, '0.2.0') >= 0) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const r = await client.query('INSERT INTO memo (content, pinned) VALUES ($1, $2) RETURNING *', [body.content, body.pinned === true]);
      const tags = Array.isArray(body.tags) ? body.tags.filter((t) => typeof t === 'string') : [];
      for (const tag of new Set(tags)) await client.query('INSERT INTO memo_tag (memo_id, tag) VALUES ($1, $2)', [r.rows[0].id, tag]);
      await client.query('COMMIT');
      return { ...r.rows[0], tags: [...new Set(tags)].sort() };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  const r = await pool.query('INSERT INTO memo (content) VALUES ($1) RETURNING *', [body.content]);
  return r.rows[0];
}

async function route(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    if (NEVER_HEALTHY) throw Object.assign(new Error('this release never becomes ready'), { status: 503, code: 'never_healthy' });
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      throw Object.assign(new Error(`database unavailable: ${err.message}`), { status: 503, code: 'db_unavailable' });
    }
    return send(res, 200, 'Service ready.');
  }
  if (req.method === 'GET' && url.pathname === '/api/version') {
    return send(res, 200, { version: VERSION, schemaVersion: currentSchema });
  }
  if (url.pathname === '/api/memos') {
    if (req.method === 'GET') return send(res, 200, await listMemos());
    if (req.method === 'POST') return send(res, 201, await createMemo(await readJson(req)));
    throw Object.assign(new Error('method not allowed'), { status: 405, code: 'method_not_allowed' });
  }
  throw Object.assign(new Error('not found'), { status: 404, code: 'not_found' });
}

function handle(req, res) {
  const start = process.hrtime.bigint();
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  res.setHeader('X-Request-Id', requestId);
  requestsTotal++;
  const done = (err) => {
    const status = err ? err.status || 500 : res.statusCode;
    if (err && !res.headersSent) send(res, status, { error: err.message, code: err.code || 'internal' });
    const fields = {
      request_id: requestId,
      method: req.method,
      path: req.url.split('?')[0],
      status,
      duration_ms: Number((Number(process.hrtime.bigint() - start) / 1e6).toFixed(3)),
    };
    if (err) fields.error_code = err.code || 'internal';
    if (err && status >= 500) log(status === 503 ? 'WARN' : 'ERROR', err.message, fields);
    else log('INFO', 'request', fields);
  };
  route(req, res).then(() => done(null), done);
}

// ---- lifecycle
function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  log('INFO', 'shutting down', { signal });
  const force = setTimeout(() => process.exit(0), 5000);
  force.unref();
  const closeServer = server
    ? new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      })
    : Promise.resolve();
  closeServer
    .then(() => (pool ? pool.end() : undefined))
    .catch(() => {})
    .finally(() => process.exit(0));
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

async function main() {
  const dsn = readDsn();
  pool = new Pool({ connectionString: dsn, max: 5, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 3000, query_timeout: 5000 });
  // An idle client losing its connection (database restarted) must not crash the process.
  pool.on('error', (err) => log('WARN', 'idle database connection lost', { error: err.message, error_code: 'db_connection_lost' }));

  log('INFO', 'starting', {
    version: VERSION,
    target_schema: TARGET_SCHEMA,
    driver: process.env.MEMOS_DRIVER || 'postgres',
    instance_url: process.env.MEMOS_INSTANCE_URL || null,
    ai_enabled: process.env.MEMOS_AI_ENABLED === 'true',
    ai_llm_provider: process.env.MEMOS_AI_LLM_PROVIDER || null,
    ai_embedding_provider: process.env.MEMOS_AI_EMBEDDING_PROVIDER || null,
  });

  const heartbeat = setInterval(() => {
    log('INFO', 'heartbeat', {
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      requests_total: requestsTotal,
      db_pool_total: pool.totalCount,
      db_pool_idle: pool.idleCount,
    });
  }, HEARTBEAT_MS);
  heartbeat.unref(); // the HTTP server keeps the process alive, not the heartbeat

  if (NEVER_HEALTHY) {
    // A broken release: it runs and logs, but never becomes ready and never touches the schema.
    try {
      const c = await pool.connect();
      try {
        currentSchema = await readSchemaVersion(c);
      } finally {
        c.release();
      }
    } catch (err) {
      log('WARN', 'database not reachable', { error: err.message, error_code: 'db_unavailable' });
    }
  } else {
    if (!TARGET_SCHEMA) throw Object.assign(new Error(`unknown APP_VERSION ${VERSION}`), { code: 'config_invalid' });
    await connectWithRetry(Date.now() + 60_000);
    await migrate();
  }

  server = http.createServer(handle);
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, HOST, resolve);
  });
  log('INFO', 'server listening', { addr: `${HOST}:${PORT}`, version: VERSION, schema_version: currentSchema });
}

main().catch((err) => {
  log('ERROR', 'failed to start', { error: err.message, error_code: err.code || 'startup_failed' });
  process.exit(1);
});
