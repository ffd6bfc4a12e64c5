import { afterEach, describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { sayIn } from '@/lib/i18n/server-text';
import { EnvSyntaxError, parseEnvFile, readStackEnv } from './env-file';
import { tempTree, type TempTree } from './test-support';
import type { Stack } from './types';

const parse = (text: string) => Object.fromEntries(parseEnvFile(text));

describe('parseEnvFile', () => {
  it('reads KEY=VALUE, export, comments and blank lines', () => {
    const text = [
      '# Memos production settings',
      '',
      'POSTGRES_USER=memos',
      'export POSTGRES_DB=memos_prod',
      '   # indented comment',
      '  MEMOS_PORT = 5230  ',
      'EMPTY=',
    ].join('\n');
    expect(parse(text)).toEqual({ POSTGRES_USER: 'memos', POSTGRES_DB: 'memos_prod', MEMOS_PORT: '5230', EMPTY: '' });
  });

  it('cuts inline " #" comments on unquoted values only', () => {
    expect(parse('A=abc # note\nB=abc#not-a-comment\nC="x # kept"\nD=\'y # kept\'\nE=#starts-with-hash')).toEqual({
      A: 'abc',
      B: 'abc#not-a-comment',
      C: 'x # kept',
      D: 'y # kept',
      E: '#starts-with-hash',
    });
  });

  it('keeps single-quoted values literal', () => {
    expect(parse("A=one\nB='$A ${A} \\n no escapes'")).toEqual({ A: 'one', B: '$A ${A} \\n no escapes' });
  });

  it('decodes escapes and interpolates in double quotes, across lines', () => {
    const env = parse('USER=memos\nMSG="hi\\n$USER\\t\\"q\\" \\\\ \\$USER"\nMULTI="line1\nline2"\nAFTER=ok');
    expect(env.MSG).toBe('hi\nmemos\t"q" \\ $USER');
    expect(env.MULTI).toBe('line1\nline2');
    expect(env.AFTER).toBe('ok');
  });

  it('interpolates $VAR and ${VAR} from earlier keys only, unset names becoming empty', () => {
    expect(parse('A=1\nB=$A-${A}-$$A\nC=${LATER}x\nLATER=2\nD=$NOPE.')).toEqual({ A: '1', B: '1-1-$A', C: 'x', LATER: '2', D: '.' });
  });

  it('supports compose default, alternative and nested forms', () => {
    const env = parse([
      'SET=v',
      'EMPTY=',
      'A=${UNSET:-def}',
      'B=${EMPTY:-def}',
      'C=${EMPTY-def}',
      'D=${SET:+alt}',
      'E=${UNSET:+alt}',
      'F=${UNSET:-${SET}-nested}',
      'G=${EMPTY+present}',
    ].join('\n'));
    expect(env).toMatchObject({ A: 'def', B: 'def', C: '', D: 'alt', E: '', F: 'v-nested', G: 'present' });
  });

  it('keeps a lone $ literally and builds a DSN from earlier keys', () => {
    const env = parse('PW=pa$5word\nU=memos\nMEMOS_DSN=postgres://${U}:${PW}@postgres:5432/memos?sslmode=disable');
    expect(env.PW).toBe('pa$5word');
    expect(env.MEMOS_DSN).toBe('postgres://memos:pa$5word@postgres:5432/memos?sslmode=disable');
  });

  it('lets later definitions win, handles CRLF and a BOM', () => {
    expect(parse('\uFEFFA=1\r\nA=2\r\nB="x"\r\n')).toEqual({ A: '2', B: 'x' });
  });

  it('takes bare KEY lines from the lookup, like compose inherits from the shell', () => {
    const lookup = (n: string) => (n === 'FROM_SHELL' ? 'shell' : undefined);
    expect(Object.fromEntries(parseEnvFile('FROM_SHELL\nMISSING\nX=${FROM_SHELL}', { lookup }))).toEqual({ FROM_SHELL: 'shell', X: 'shell' });
    expect(parse('FROM_SHELL')).toEqual({});
  });

  it.each([
    ['A=1\nB="unterminated\nC=3', 2, 'unterminated quoted value for B (missing closing ")'],
    ["A='x' trailing", 1, 'unexpected text after the closing quote of A'],
    ['A=1\nMY KEY=secretvalue', 2, 'variable names cannot contain spaces (expected KEY=VALUE)'],
    ['A=1\n\n$BAD=1', 3, 'unexpected character "$" in a variable name (expected KEY=VALUE)'],
    ['A=${B', 1, 'unterminated "${" substitution (missing "}")'],
    ['A=${1X}', 1, 'invalid "${…}" substitution (expected ${NAME} or ${NAME:-default})'],
    ['A=${REQ:?set REQ first}', 1, 'required variable REQ is not set: set REQ first'],
  ])('reports %j at line %i', (text, line, reason) => {
    let err: unknown;
    try {
      parseEnvFile(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvSyntaxError);
    expect((err as EnvSyntaxError).line).toBe(line);
    expect((err as EnvSyntaxError).reason).toBe(reason);
    expect((err as EnvSyntaxError).code).toBe('config_invalid');
    expect((err as Error).message).not.toContain('secretvalue');
  });
});

describe('readStackEnv', () => {
  let tree: TempTree;
  afterEach(() => tree?.cleanup());

  const stackWith = (envFile?: string): Stack => ({
    name: 'memos', title: 'Memos', preset: 'memos', runtime: 'compose', projectName: 'memos',
    composeFiles: ['/x/compose.yml'], envFile, workingDir: '/x', backupDir: '/x/backups', ai: { source: 'none' }, source: 'test',
  });

  it('re-reads the file on every call', async () => {
    tree = tempTree();
    const file = tree.write('.env', 'POSTGRES_PASSWORD=first\n');
    const stack = stackWith(file);
    expect(readStackEnv(stack).get('POSTGRES_PASSWORD')).toBe('first');
    tree.write('.env', 'POSTGRES_PASSWORD=second\n');
    expect(readStackEnv(stack).get('POSTGRES_PASSWORD')).toBe('second');
  });

  it('returns an empty map for a stack without an env file', () => {
    expect(readStackEnv(stackWith(undefined)).size).toBe(0);
  });

  it('names the missing file', () => {
    tree = tempTree();
    const missing = tree.path('gone/.env.prod');
    let thrown: unknown;
    try {
      readStackEnv(stackWith(missing));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OpsdeckError);
    expect(thrown).toMatchObject({ code: 'config_invalid', message: `The env file of stack "memos" cannot be used: file not found: ${missing}` });
    // Keyed: a Chinese reader sees it in Chinese, the path as it is.
    expect(sayIn('zh-CN', (thrown as OpsdeckError).said!)).toBe(`服务栈“memos”的 env 文件无法使用：文件不存在：${missing}`);
  });

  it('names the file and line of a syntax error', () => {
    tree = tempTree();
    const file = tree.write('.env', 'A=1\nB="oops\n');
    expect(() => readStackEnv(stackWith(file))).toThrow(`The env file of stack "memos" is invalid: ${file}: line 2: unterminated quoted value for B`);
  });
});
