/**
 * Where the sign-in page may send the browser afterwards: a path on this site only. Checking the
 * string's first characters is not enough — browsers read `/\evil.com` as `//evil.com` and drop tabs
 * and newlines inside URLs — so the value is resolved the way a browser would against a placeholder
 * origin, and kept only if it stays there.
 */
const PLACEHOLDER = 'http://opsdeck.invalid';

export function safeCallbackPath(raw: string | string[] | undefined | null): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) return '/';
  // Control characters and backslashes have no business in a path we produced ourselves.
  if (!raw.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(raw)) return '/';
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER);
  } catch {
    return '/';
  }
  if (url.origin !== PLACEHOLDER) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The sign-in page itself as a target would loop after signing in.
  return path.startsWith('/signin') ? '/' : path;
}
