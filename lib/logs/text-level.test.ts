import { describe, expect, it } from 'vitest';
import { detectLevel } from './json-level';
import { detectTextLevel } from './text-level';

describe('plain-text log levels', () => {
  it('PostgreSQL severities', () => {
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [57] FATAL:  password authentication failed for user "memos"')).toBe('fatal');
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [57] ERROR:  relation "memo" does not exist at character 15')).toBe('error');
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [1] PANIC:  could not locate a valid checkpoint record')).toBe('fatal');
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [1] LOG:  database system is ready to accept connections')).toBe('info');
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [9] WARNING:  there is no transaction in progress')).toBe('warn');
    expect(detectTextLevel('2024-05-01 12:00:00.123 UTC [9] DEBUG2:  checkpointer')).toBe('debug');
  });

  it('logfmt, slog text and logrus', () => {
    expect(detectTextLevel('time=2024-05-01T12:00:00Z level=WARN msg="disk almost full"')).toBe('warn');
    expect(detectTextLevel('ts=1 lvl=error msg=boom')).toBe('error');
    expect(detectTextLevel('level="debug" msg=x')).toBe('debug');
    expect(detectTextLevel('ERRO[0001] cannot connect')).toBe('error');
    expect(detectTextLevel('INFO[0000] started')).toBe('info');
  });

  it('Go conventions', () => {
    expect(detectTextLevel('panic: runtime error: invalid memory address or nil pointer dereference')).toBe('fatal');
    expect(detectTextLevel('fatal error: all goroutines are asleep - deadlock!')).toBe('fatal');
    expect(detectTextLevel('goroutine 1 [running]:')).toBe('fatal');
    expect(detectTextLevel('2024/05/01 12:00:00 ERROR failed to start server')).toBe('error');
    expect(detectTextLevel('2024-05-01T12:00:00.000Z\tWARN\tserver/server.go:10\tslow request')).toBe('warn');
  });

  it('Node conventions', () => {
    expect(detectTextLevel("TypeError: Cannot read properties of undefined (reading 'x')")).toBe('error');
    expect(detectTextLevel('Error: connect ECONNREFUSED 127.0.0.1:5432')).toBe('error');
    expect(detectTextLevel('Error [ERR_MODULE_NOT_FOUND]: Cannot find package')).toBe('error');
    expect(detectTextLevel('    at Server.listen (node:net:1234:5)')).toBe('error');
    expect(detectTextLevel('    at async main (/app/app.js:10:3)')).toBe('error');
    expect(detectTextLevel('(node:1) DeprecationWarning: Buffer() is deprecated')).toBe('warn');
    expect(detectTextLevel('(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated')).toBe('warn');
  });

  it('bracketed and upper-case tokens near the start (nginx, many frameworks)', () => {
    expect(detectTextLevel('2024/05/01 12:00:00 [error] 29#29: *1 connect() failed')).toBe('error');
    expect(detectTextLevel('[WARN] cache is cold')).toBe('warn');
    expect(detectTextLevel('12:00:00 INFO  ready')).toBe('info');
  });

  it('no level where there is none: words in the message, far from the head, or lower-case prose', () => {
    expect(detectTextLevel('server listening on :5230')).toBeNull();
    expect(detectTextLevel('no error found, all good')).toBeNull();
    expect(detectTextLevel(`${'x'.repeat(200)} ERROR: late`)).toBeNull();
    expect(detectTextLevel('')).toBeNull();
  });

  it('detectLevel: JSON lines by their field, other lines by their text', () => {
    expect(detectLevel('{"level":"ERROR","msg":"x"}')).toBe('error');
    expect(detectLevel('{"msg":"ERROR: in a message"}')).toBeNull();
    expect(detectLevel('2024-05-01 12:00:00 UTC [57] FATAL:  the database system is starting up')).toBe('fatal');
  });
});
