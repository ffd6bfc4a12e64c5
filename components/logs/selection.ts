/** What the log page shows; shared by the server page (initial value) and the client viewer. */
export interface LogSelection {
  /** Empty = all services. */
  services: string[];
  tail: number;
  /** ISO instants; a range without `until` follows from `since`. */
  since: string | null;
  until: string | null;
}

export const TAILS = [100, 200, 1000, 5000, 10000];
