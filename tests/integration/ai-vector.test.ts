/**
 * The embedding-dimension check against a real PostgreSQL with real pgvector (the demo stack's,
 * reached through the Docker Engine like Opsdeck reaches it: the database is not published).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDependencies } from '@/lib/ai-health/dependencies';
import { probeDependency } from '@/lib/ai-health/runner';
import { dimensionIssues, parseVectorType, readVectorColumns } from '@/lib/ai-health/vector-columns';
import { demoStack, type Stack } from '@/lib/stacks';
import { withTempDb } from '@/lib/store/temp-db';
import { startDemoStack, type DemoStack } from '../support/demo-stack';
import { startFakeAiProvider, type FakeAiProvider } from '../support/fake-ai-provider';

withTempDb();
let demo: DemoStack;
let fake: FakeAiProvider;
let stack: Stack;

beforeAll(async () => {
  [demo, fake] = await Promise.all([startDemoStack(), startFakeAiProvider()]);
  // Point the AI base URLs of this stack's env file at the fake provider.
  const text = fs.readFileSync(demo.envFile, 'utf8')
    .replace(/^MEMOS_AI_SILICONFLOW_BASE_URL=.*$/m, `MEMOS_AI_SILICONFLOW_BASE_URL=${fake.url}/v1`)
    .replace(/^MEMOS_AI_DEEPSEEK_BASE_URL=.*$/m, `MEMOS_AI_DEEPSEEK_BASE_URL=${fake.url}`);
  fs.writeFileSync(demo.envFile, text);
  stack = demoStack(process.cwd(), { OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName });
});
afterAll(async () => {
  await fake?.close();
  await demo?.down();
});

async function sql(statements: string) {
  const c = await demo.pg();
  try {
    await c.query(statements);
  } finally {
    await c.end();
  }
}

describe('vector columns of the stack database', () => {
  it('without any vector column the dimension is unknown, and says why', async () => {
    const info = await readVectorColumns(stack, { fresh: true });
    expect(info).toEqual({ known: false, reason: expect.stringContaining('no vector column') });
    const issues = dimensionIssues(listDependencies(stack).deps, info);
    expect(issues).toEqual([{ severity: 'info', message: expect.stringMatching(/^Embedding dimension vs database: unknown, the database has no vector column/) }]);
  });

  it('a vector(768) column against BAAI/bge-m3 (1024) is a mistake found without a provider call', async () => {
    await sql(`
      CREATE EXTENSION vector;
      CREATE TABLE memo_embedding (memo_id INTEGER PRIMARY KEY, embedding vector(768));
    `);
    const before = fake.requests.length;
    const info = await readVectorColumns(stack, { fresh: true });
    expect(info).toEqual({ known: true, columns: [{ table: 'memo_embedding', column: 'embedding', type: 'vector(768)', dimension: 768 }] });
    const issues = dimensionIssues(listDependencies(stack).deps, info);
    expect(issues).toEqual([{
      dependency: 'env-embedding',
      severity: 'error',
      message: 'Embedding model "BAAI/bge-m3" returns 1024 dimensions, but the database column memo_embedding.embedding is vector(768): new embeddings cannot be stored.',
    }]);
    expect(fake.requests.length).toBe(before);
  });

  it('a deep probe measuring 1024 dimensions fails against that column', async () => {
    const emb = listDependencies(stack).deps.find((d) => d.id === 'env-embedding')!;
    const r = await probeDependency(emb, 'deep', { stack });
    expect(r).toMatchObject({ ok: false, failure: 'mismatch', message: 'embedding has 1024 dimensions but memo_embedding.embedding is vector(768)' });
  });

  it('a real vector(1024) column matches BAAI/bge-m3: no issue, and a deep probe passes', async () => {
    await sql('ALTER TABLE memo_embedding ALTER COLUMN embedding TYPE vector(1024)');
    const info = await readVectorColumns(stack, { fresh: true });
    expect(info).toEqual({ known: true, columns: [{ table: 'memo_embedding', column: 'embedding', type: 'vector(1024)', dimension: 1024 }] });
    expect(dimensionIssues(listDependencies(stack).deps, info)).toEqual([]);
    const emb = listDependencies(stack).deps.find((d) => d.id === 'env-embedding')!;
    expect(await probeDependency(emb, 'deep', { stack })).toMatchObject({ ok: true });
  });

  it('an unreachable database is unknown, and its password stays out of the reason', async () => {
    const broken = path.join(demo.dir, 'broken.env');
    fs.writeFileSync(broken, fs.readFileSync(demo.envFile, 'utf8').replace(/^POSTGRES_PASSWORD=.*$/m, 'POSTGRES_PASSWORD=wrong-Pa55word-xyz'));
    const other = demoStack(process.cwd(), { OPSDECK_DEMO_ENV_FILE: broken, OPSDECK_DEMO_PROJECT: demo.projectName });
    const info = await readVectorColumns({ ...other, name: 'broken' }, { fresh: true });
    expect(info.known).toBe(false);
    expect(!info.known && info.reason).toMatch(/^the database could not be read \(password authentication failed/);
    expect(JSON.stringify(info)).not.toContain('wrong-Pa55word-xyz');
  });
});

describe('parseVectorType', () => {
  it('reads the declared size of vector and halfvec columns', () => {
    expect(parseVectorType('vector(1024)')).toBe(1024);
    expect(parseVectorType('halfvec(3072)')).toBe(3072);
    expect(parseVectorType('vector')).toBeUndefined();
  });
});
