/**
 * Runs once when the Next server starts. Opening the store applies pending migrations, and the
 * first admin is created before anyone can reach the sign-in page.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startup } = await import('./lib/startup');
  await startup();
}
