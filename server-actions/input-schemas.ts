import { z } from 'zod';
import { STACK_NAME } from '@/lib/stacks/config-schema';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

/**
 * Inputs shared by server actions and route handlers. A stack name from a form or a URL follows
 * the config's own slug rule (lib/stacks/config-schema), so a value no stack could have is refused
 * before any lookup, with one message everywhere.
 */
export const stackNameSchema = z.string().trim().min(1, zodText(say('errors.form.whichStack'))).regex(STACK_NAME, zodText(say('errors.form.badStack')));

/** Job ids are the store's increasing numbers (lib/jobs/job-store). */
export const jobIdSchema = z.string().regex(/^\d{1,12}$/, zodText(say('errors.form.badJobId')));

/** Last-Event-ID (or ?after=) of a job's event stream: the seq of the last event the client has. */
export const jobEventSeqSchema = z.string().regex(/^\d{1,9}$/, zodText(say('errors.form.badEventId'))).transform(Number);
