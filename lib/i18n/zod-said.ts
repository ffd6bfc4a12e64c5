/**
 * zod keeps one string per issue, so a schema's refusal cannot carry keyed text (said.ts) itself.
 * A schema writes its message as `zodText(say('key', …))`: zod gets the English, and the keyed text
 * is remembered by that English, so `issueSaid` finds it again and the reader gets their language.
 * A refusal built while parsing (a custom issue naming the value) carries it in `params.said`
 * instead: remembering every value a user typed would grow without end.
 */
import { isSaid, type Said } from './said';

const byEnglish = new Map<string, Said>();

/** The English for zod, the keyed text remembered for `issueSaid`. Static messages only. */
export function zodText(said: Said): string {
  byEnglish.set(said.text, said);
  return said.text;
}

/** A custom issue's message and params, carrying its keyed text: `ctx.addIssue({ code: 'custom', ...zodIssue(say(…)) })`. */
export function zodIssue(said: Said): { message: string; params: { said: Said } } {
  return { message: said.text, params: { said } };
}

/** The keyed text of a zod issue; zod's own English (a check written without a keyed message) as it is. */
export function issueSaid(issue: { message: string; params?: unknown }): Said | string {
  const carried = (issue.params as { said?: unknown } | undefined)?.said;
  if (isSaid(carried)) return carried;
  return byEnglish.get(issue.message) ?? issue.message;
}
