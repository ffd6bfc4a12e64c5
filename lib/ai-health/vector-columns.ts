/**
 * The embedding dimension the stack's database can store: the pgvector columns' declared sizes
 * (`vector(1024)`), read through pg with the stack's own credentials. When there is no vector
 * column (no pgvector, or the app has not created its tables yet) the answer is "unknown", never a
 * guess. Results are cached briefly: the page refreshes every few seconds, the schema does not.
 */
import type pg from 'pg';
import { openPgClient } from '@/lib/postgres/client';
import { redactSecrets } from '@/lib/secrets';
import { resolveDatabase, type Stack } from '@/lib/stacks';
import type { ConfigIssue, Dependency } from './types';

export interface VectorColumn {
  table: string;
  column: string;
  type: string;
  dimension?: number;
}

export type VectorInfo = { known: true; columns: VectorColumn[] } | { known: false; reason: string };

const CACHE_MS = 60_000;
const holder = globalThis as typeof globalThis & { __opsdeckVectorCache?: Map<string, { at: number; info: VectorInfo }> };
const cache = (holder.__opsdeckVectorCache ??= new Map());

const QUERY = `
  SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  WHERE t.typname IN ('vector', 'halfvec') AND a.attnum > 0 AND NOT a.attisdropped
    AND c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  ORDER BY 1, 2, 3`;

/** `vector(1024)` → 1024; a column declared without a size has no fixed dimension. */
export function parseVectorType(type: string): number | undefined {
  const m = /^(?:halfvec|vector)\((\d+)\)$/.exec(type.trim());
  return m ? Number(m[1]) : undefined;
}

export async function readVectorColumns(stack: Stack, opts: { fresh?: boolean } = {}): Promise<VectorInfo> {
  const hit = cache.get(stack.name);
  if (!opts.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.info;
  const info = await query(stack);
  cache.set(stack.name, { at: Date.now(), info });
  return info;
}

async function query(stack: Stack): Promise<VectorInfo> {
  if (!stack.database) return { known: false, reason: 'the stack has no database configured' };
  let conn;
  try {
    conn = resolveDatabase(stack);
  } catch (e) {
    return { known: false, reason: `the database credentials cannot be read (${e instanceof Error ? e.message : 'unknown error'})` };
  }
  let client: pg.Client | null = null;
  try {
    ({ client } = await openPgClient(stack, conn, { connectionTimeoutMillis: 3000, query_timeout: 5000, statement_timeout: 5000, application_name: 'opsdeck-ai-health' }));
    const res = await client.query<{ schema: string; table: string; column: string; type: string }>(QUERY);
    if (res.rows.length === 0) return { known: false, reason: 'the database has no vector column (pgvector not installed, or the app has not created its tables yet)' };
    return {
      known: true,
      columns: res.rows.map((r) => {
        const dimension = parseVectorType(r.type);
        const table = r.schema === 'public' ? r.table : `${r.schema}.${r.table}`;
        return { table, column: r.column, type: r.type, ...(dimension ? { dimension } : {}) };
      }),
    };
  } catch (e) {
    const why = redactSecrets(e instanceof Error ? e.message : String(e), [conn.password]);
    return { known: false, reason: `the database could not be read (${why})` };
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Embedding dependencies whose dimension differs from the database's vector columns. */
export function dimensionIssues(deps: readonly Dependency[], info: VectorInfo): ConfigIssue[] {
  const embeddings = deps.filter((d) => d.role === 'embedding' && !d.configProblem);
  if (embeddings.length === 0) return [];
  if (!info.known) {
    return [{ severity: 'info', message: `Embedding dimension vs database: unknown, ${info.reason}.` }];
  }
  const issues: ConfigIssue[] = [];
  const sized = info.columns.filter((c) => c.dimension !== undefined);
  for (const d of embeddings) {
    if (d.expectedDimension === undefined) {
      issues.push({ dependency: d.id, severity: 'info', message: `The dimension of "${d.model}" is not known without a call; run a deep probe to measure it.` });
      continue;
    }
    for (const c of sized) {
      if (c.dimension !== d.expectedDimension) {
        issues.push({
          dependency: d.id,
          severity: 'error',
          message: `Embedding model "${d.model}" returns ${d.expectedDimension} dimensions, but the database column ${c.table}.${c.column} is ${c.type}: new embeddings cannot be stored.`,
        });
      }
    }
  }
  return issues;
}

/** The column dimension a measured embedding must match, when the database declares exactly one. */
export function columnDimension(info: VectorInfo): VectorColumn | undefined {
  if (!info.known) return undefined;
  const sized = info.columns.filter((c) => c.dimension !== undefined);
  const dims = new Set(sized.map((c) => c.dimension));
  return dims.size === 1 ? sized[0] : undefined;
}
