import 'server-only';
import { notFound } from 'next/navigation';
import { isOpsdeckError } from '@/lib/errors';

/**
 * Runs a page's loader; a stack (or anything else) the loader reports as not found becomes the
 * 404 page rather than an error page. Every other error is thrown on.
 */
export async function orNotFound<T>(load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isOpsdeckError(e) && e.code === 'not_found') notFound();
    throw e;
  }
}
