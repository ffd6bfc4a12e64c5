import type { Migration } from './migrations';

/** Job titles and end summaries as keyed text (lib/i18n/said.ts), so each reader sees them in their language. */
export const migrationJobSaid: Migration = {
  version: 14,
  name: 'message keys of job titles and summaries',
  up: `
    -- JSON { key, params } beside the English in title / summary; NULL for rows written before keys
    -- (and for text that has none), which then show their stored English.
    ALTER TABLE jobs ADD COLUMN title_said TEXT;
    ALTER TABLE jobs ADD COLUMN summary_said TEXT;
  `,
};
