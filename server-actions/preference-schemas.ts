import { z } from 'zod';
import { LOCALES, THEMES } from '@/lib/i18n/locales';

// One choice per submit: the theme ("system" clears the cookie) or the language.
export const setPreferenceInput = z.union([
  z.object({ theme: z.enum([...THEMES, 'system']) }).strict(),
  z.object({ locale: z.enum(LOCALES) }).strict(),
]);
