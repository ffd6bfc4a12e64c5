import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '@/lib/stacks';
import { dependenciesFromEnv, isPlaceholderKey, knownDimension } from './memos-env';

const demoEnv = () => parseEnvFile(fs.readFileSync(path.resolve(__dirname, '../../examples/demo/.env'), 'utf8'));
const withVars = (vars: Record<string, string>) => {
  const env = demoEnv();
  for (const [k, v] of Object.entries(vars)) env.set(k, v);
  return env;
};

describe('dependenciesFromEnv (Memos preset)', () => {
  it('reads the demo env: DeepSeek chat, SiliconFlow embedding, rerank and intent', () => {
    const { deps, issues } = dependenciesFromEnv('demo', demoEnv());
    expect(issues).toEqual([]);
    expect(deps.map((d) => [d.id, d.label, d.role, d.model, d.baseUrl, d.keyVar])).toEqual([
      ['env-chat', 'DeepSeek', 'chat', 'deepseek-chat', 'http://127.0.0.1:18082', 'MEMOS_AI_DEEPSEEK_API_KEY'],
      ['env-embedding', 'SiliconFlow', 'embedding', 'BAAI/bge-m3', 'http://127.0.0.1:18081/v1', 'MEMOS_AI_SILICONFLOW_API_KEY'],
      ['env-rerank', 'SiliconFlow', 'rerank', 'BAAI/bge-reranker-v2-m3', 'http://127.0.0.1:18081/v1', 'MEMOS_AI_SILICONFLOW_API_KEY'],
      ['env-intent', 'SiliconFlow', 'intent', 'Qwen/Qwen2.5-7B-Instruct', 'http://127.0.0.1:18081/v1', 'MEMOS_AI_SILICONFLOW_API_KEY'],
    ]);
    expect(deps[0].apiKey).toBe('sk-demo-deepseek-9c3a5e7b1d20');
    expect(deps[1].expectedDimension).toBe(1024);
    expect(deps.every((d) => d.source === 'env' && !d.configProblem)).toBe(true);
  });

  it('flags MEMOS_AI_LLM_PROVIDER=siliconflow, which the fork does not support', () => {
    const { deps, issues } = dependenciesFromEnv('demo', withVars({ MEMOS_AI_LLM_PROVIDER: 'siliconflow' }));
    const chat = deps.find((d) => d.role === 'chat')!;
    expect(chat.configProblem).toContain('not supported by the Memos fork');
    expect(issues).toContainEqual({ dependency: 'env-chat', severity: 'error', message: chat.configProblem });
  });

  it('flags a provider selected without its key, and a placeholder key, without any call', () => {
    const noKey = dependenciesFromEnv('demo', withVars({ MEMOS_AI_DEEPSEEK_API_KEY: '' }));
    expect(noKey.deps[0].configProblem).toBe('DeepSeek is selected for chat but MEMOS_AI_DEEPSEEK_API_KEY is empty');
    const openAi = dependenciesFromEnv('demo', withVars({ MEMOS_AI_LLM_PROVIDER: 'openai', MEMOS_AI_LLM_MODEL: 'gpt-4o' }));
    expect(openAi.deps[0].configProblem).toBe('OpenAI is selected for chat but MEMOS_AI_OPENAI_API_KEY is empty');
    const placeholder = dependenciesFromEnv('demo', withVars({ MEMOS_AI_SILICONFLOW_API_KEY: 'sk-your-siliconflow-api-key' }));
    const emb = placeholder.deps.find((d) => d.role === 'embedding')!;
    expect(emb.configProblem).toContain('still holds a placeholder');
    // The placeholder's text is not echoed (a false positive would otherwise print a real key).
    expect(emb.configProblem).not.toContain('siliconflow-api-key');
    expect(placeholder.issues.filter((i) => i.severity === 'error')).toHaveLength(3);
  });

  it('without a SiliconFlow key there is no rerank or intent, and a set rerank model is a warning', () => {
    const { deps, issues } = dependenciesFromEnv('demo', withVars({
      MEMOS_AI_SILICONFLOW_API_KEY: '', MEMOS_AI_EMBEDDING_PROVIDER: 'ollama', MEMOS_AI_EMBEDDING_MODEL: 'nomic-embed-text',
    }));
    expect(deps.map((d) => d.id)).toEqual(['env-chat', 'env-embedding']);
    expect(deps[1]).toMatchObject({ kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', expectedDimension: 768 });
    expect(deps[1].apiKey).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('rerank runs on SiliconFlow only') })]);
  });

  it('uses the documented default URLs when the env file sets none', () => {
    const env = new Map([['MEMOS_AI_ENABLED', 'true'], ['MEMOS_AI_DEEPSEEK_API_KEY', 'sk-abcdefgh12345678']]);
    const { deps } = dependenciesFromEnv('s', env);
    expect(deps[0].baseUrl).toBe('https://api.deepseek.com');
    expect(deps[1]).toMatchObject({ baseUrl: 'https://api.siliconflow.cn/v1', configProblem: 'SiliconFlow is selected for embedding but MEMOS_AI_SILICONFLOW_API_KEY is empty' });
  });

  it('checks nothing when AI is disabled, and says so', () => {
    const { deps, issues } = dependenciesFromEnv('demo', withVars({ MEMOS_AI_ENABLED: 'false' }));
    expect(deps).toEqual([]);
    expect(issues[0]).toMatchObject({ severity: 'info' });
  });

  it('rejects unknown providers and URLs with credentials', () => {
    expect(dependenciesFromEnv('d', withVars({ MEMOS_AI_LLM_PROVIDER: 'anthropic' })).deps[0].configProblem).toContain('not a provider the app knows');
    expect(dependenciesFromEnv('d', withVars({ MEMOS_AI_DEEPSEEK_BASE_URL: 'https://u:p@api.deepseek.com' })).deps[0].configProblem).toContain('not an http(s) URL without credentials');
  });
});

describe('helpers', () => {
  it('knows placeholder keys', () => {
    for (const k of ['sk-your-key-here', 'your_api_key', 'sk-xxxxxxxx', '<your key>', 'changeme']) expect(isPlaceholderKey(k), k).toBe(true);
    for (const k of ['sk-demo-deepseek-9c3a5e7b1d20', 'sk-4f9a8b7c6d5e4f3a']) expect(isPlaceholderKey(k), k).toBe(false);
  });
  it('knows the dimensions of common embedding models', () => {
    expect(knownDimension('BAAI/bge-m3')).toBe(1024);
    expect(knownDimension('nomic-embed-text:latest')).toBe(768);
    expect(knownDimension('some/new-model')).toBeUndefined();
  });
});
