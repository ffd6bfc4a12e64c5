// Entry point for `@/lib/audit`; the implementation lives in audit-log.ts.
export {
  AUDIT_DETAIL_MAX_BYTES,
  AUDIT_RESULTS,
  auditFilterSchema,
  queryAudit,
  recordAudit,
  truncateUtf8,
  type AuditEntry,
  type AuditFilter,
  type AuditFilterInput,
  type AuditResult,
  type AuditRow,
} from '@/lib/audit/audit-log';
