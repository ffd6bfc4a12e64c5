import type { Said } from '@/lib/i18n/said';

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
  /** The title and fix as keyed text, so the page shows them in the reader's language (`title`/`fix` are their English). */
  said?: { title: Said; fix?: Said };
}

/** The title and fix of a finding from keyed text: the English strings plus the keys. */
export function keyed(title: Said, fix: Said | string): Pick<Finding, 'title' | 'fix' | 'said'> {
  return typeof fix === 'string' ? { title: title.text, fix, said: { title } } : { title: title.text, fix: fix.text, said: { title, fix } };
}

export interface DoctorReport {
  at: string;
  findings: Finding[];
  /** What was looked at, so "no findings" can be told from "nothing checked". */
  checked: string[];
  /** What could not be checked, and why. */
  skipped: string[];
  /** The same two lists as keyed text, so the page shows them in the reader's language (`checked`/`skipped` are their English). */
  said?: { checked: Said[]; skipped: Said[] };
}
