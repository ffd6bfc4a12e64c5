/** Public surface of lib/stacks: the stack model, config loading, env files and database access. */
export type { AiSettings, AppRole, DatabaseRole, PresetName, Stack, StackRuntime } from './types';
export { ConfigError, isConfigError, formatProblem, type ConfigProblem } from './config-error';
export { loadStacks, locateConfig, DEFAULT_CONFIG_NAME, type ConfigLocation, type LoadOptions } from './load-config';
export { demoStack, dataDirOf, DEMO_STACK_NAME, DEMO_PROJECT } from './demo-stack';
export { listStacks, getStack, configSource, clearStackCache } from './registry';
export { parseEnvFile, readEnvFile, readStackEnv, EnvSyntaxError, type ParseEnvOptions } from './env-file';
export { resolveDatabase, readSecretVar, type DatabaseConnection } from './database';
export { parsePostgresDsn, DsnError, type DsnParts } from './dsn';
export { MEMOS_SCHEMA_VERSION_QUERY, DEFAULT_DB_HOST, DEFAULT_DB_PORT, DEFAULT_MEMOS_PORT } from './presets';
