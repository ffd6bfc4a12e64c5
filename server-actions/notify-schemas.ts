import { z } from 'zod';
import { LOCALES } from '@/lib/i18n/locales';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';
import { NOTIFY_EVENTS } from '@/lib/notify';
import { stackNameSchema as stack } from './input-schemas';

// Checkboxes arrive as one form field per ticked event: a string, or several.
const events = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(NOTIFY_EVENTS)).min(1, { error: zodText(say('errors.notify.chooseEvent')) }));
// An unticked checkbox sends nothing; a ticked one sends "on".
const ticked = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
// Channel settings from optional form fields; an empty field is "not given".
const optional = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().max(2000).optional());
export const addTargetInput = z.object({
  stack, name: z.string(), format: z.string(), url: z.string(), events, allowPrivate: ticked,
  secret: optional, chatId: optional, emailFrom: optional, emailTo: optional,
  // The language its messages are written in; a form without the field (a script) gets English.
  lang: z.enum(LOCALES).default('en'),
});
export const targetRefInput = z.object({ stack, id: z.coerce.number().int().positive() });
