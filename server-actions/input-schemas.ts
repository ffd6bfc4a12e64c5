import { z } from 'zod';
import { STACK_NAME } from '@/lib/stacks/config-schema';

/**
 * Inputs shared by server actions and route handlers. A stack name from a form or a URL follows
 * the config's own slug rule (lib/stacks/config-schema), so a value no stack could have is refused
 * before any lookup, with one message everywhere.
 */
export const stackNameSchema = z.string().trim().min(1, 'Which stack?').regex(STACK_NAME, 'Not a stack name.');

/** Job ids are the store's increasing numbers (lib/jobs/job-store). */
export const jobIdSchema = z.string().regex(/^\d{1,12}$/, 'Not a job id.');

/** Last-Event-ID (or ?after=) of a job's event stream: the seq of the last event the client has. */
export const jobEventSeqSchema = z.string().regex(/^\d{1,9}$/, 'Last-Event-ID must be the number of a job event.').transform(Number);
