import type { ReactNode } from 'react';

const input = 'w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/**
 * The two fields every restore confirmation asks for: the stack's name typed out, and the admin's
 * own password (checked on the server). No hooks, so server and client components both use it.
 */
export function ConfirmFields({ nameLabel, nameAria, passwordLabel }: { nameLabel: ReactNode; nameAria: string; passwordLabel: string }) {
  return (
    <>
      <label className="block w-full text-sm">
        {nameLabel}
        <input name="confirmName" autoComplete="off" className={input} aria-label={nameAria} required />
      </label>
      <label className="block w-full text-sm">
        {passwordLabel}
        <input name="password" type="password" autoComplete="current-password" className={input} aria-label={passwordLabel} required />
      </label>
    </>
  );
}
