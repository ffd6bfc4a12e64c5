// Vitest runs outside React Server Components, where the real 'server-only' guard would throw.
export {};
