/**
 * PostgreSQL connection strings as libpq accepts them: the URL form
 * (`postgres://user:pass@host:5432/db?sslmode=disable`, what MEMOS_DSN holds) and the keyword form
 * (`host=db user=memos password='a b' dbname=memos`). Errors never quote the input: it holds a password.
 */

export interface DsnParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
}

export class DsnError extends Error {}

function toPort(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new DsnError('the port is not a number between 1 and 65535');
  return n;
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new DsnError(`the ${what} has an invalid %-escape`);
  }
}

/** Stands in for the empty host libpq allows (`postgres://u:p@/db`, socket) but WHATWG URL rejects. */
const NO_HOST = 'opsdeck.no-host.invalid';

function parseUrl(dsn: string): DsnParts {
  let url: URL;
  try {
    url = new URL(dsn.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*@)(?=[/?#]|$)/i, `$1${NO_HOST}`));
  } catch {
    throw new DsnError('it is not a valid postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DsnError(`the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
  }
  const parts: DsnParts = {};
  // WHATWG URL keeps IPv6 brackets, which a socket address must not have.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host && host !== NO_HOST) parts.host = decode(host, 'host');
  if (url.port) parts.port = toPort(url.port);
  if (url.username) parts.user = decode(url.username, 'user name');
  if (url.password) parts.password = decode(url.password, 'password');
  const db = url.pathname.replace(/^\//, '');
  if (db) parts.database = decode(db, 'database name');
  // libpq lets query parameters override the authority (host=/var/run/postgresql for sockets).
  const q = url.searchParams;
  if (q.get('host')) parts.host = q.get('host')!;
  if (q.get('port')) parts.port = toPort(q.get('port')!);
  if (q.get('user')) parts.user = q.get('user')!;
  if (q.get('password')) parts.password = q.get('password')!;
  if (q.get('dbname')) parts.database = q.get('dbname')!;
  return parts;
}

function parseKeywords(dsn: string): DsnParts {
  const parts: DsnParts = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(dsn)) !== null) {
    last = re.lastIndex;
    const [, key, rawValue] = m;
    const value = rawValue.startsWith("'") ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1') : rawValue;
    if (key === 'host' || key === 'hostaddr') parts.host = value;
    else if (key === 'port') parts.port = toPort(value);
    else if (key === 'user') parts.user = value;
    else if (key === 'password') parts.password = value;
    else if (key === 'dbname') parts.database = value;
  }
  if (dsn.slice(last).trim() !== '') throw new DsnError('it is neither a postgres:// URL nor "key=value" pairs');
  return parts;
}

export function parsePostgresDsn(dsn: string): DsnParts {
  const s = dsn.trim();
  if (s === '') throw new DsnError('it is empty');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? parseUrl(s) : parseKeywords(s);
}
