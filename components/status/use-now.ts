'use client';

import { useEffect, useState } from 'react';

/** The current time, re-rendered every `everyMs`, so uptimes and "ago" labels move on their own. */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
