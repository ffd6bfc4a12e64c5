/** A doctor finding: what is wrong, where, and what to change. Never contains a secret value. */
export interface Finding {
  /** Stable kind, for tests and for grouping. */
  kind: 'env-file' | 'placeholder' | 'missing-variable' | 'file-and-plain' | 'unset-compose-variable' | 'healthcheck' | 'wrong-type' | 'dsn-mismatch' | 'pitr-setting';
  severity: 'error' | 'warning';
  title: string;
  /** File and line, or the service. */
  where: string;
  /** What to change, concretely. */
  fix: string;
  /** What Docker or the file showed, secrets masked. */
  evidence?: string;
}

export interface DoctorReport {
  at: string;
  findings: Finding[];
  /** What was looked at, so "no findings" can be told from "nothing checked". */
  checked: string[];
  /** What could not be checked, and why. */
  skipped: string[];
}
