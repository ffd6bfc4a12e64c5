// Types for the build step scripts/ascii-server-chunks.mjs (plain ESM, run by node after `next build`).
export function asciiOnly(text: string): string | null;
export function rewriteTree(dir: string): { rewritten: number; left: number };
