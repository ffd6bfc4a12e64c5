/** Public surface of lib/config-edit: editing a stack's env and compose files safely from the browser. */
export { CONFIG_KINDS, readConfigFile, sha256, type ConfigKind, type FileVersion } from './files';
export { editorView, prepareEdit, restoreBefore, revealSecret, saveEdit, type EditInput, type EditorView, type EnvEntry, type Prepared, type SaveResult } from './edit';
export { listVersions, appliedBaseline, type ConfigVersion } from './history';
export { applyEnvChanges, quoteEnvValue, type EnvChange } from './env-spans';
export type { EnvDiffRow, LineDiffRow } from './diff';
export { problemTitles, type Problem, type Validation } from './validate';
export { applyConfig, type ApplyOptions } from './apply';
export { CONFIG_RECOVERY } from './recovery';
