/** For every response, pages and API alike (next.config.mjs and proxy.ts). */
export declare const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }>;
