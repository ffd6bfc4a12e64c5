'use strict';
// HEALTHCHECK of opsdeck/demo-app: exit 0 only when GET /healthz answers 200 within 2 s.
// The image has no curl/wget and no bash (/dev/tcp), but it has node and node has fetch.
const port = process.env.MEMOS_PORT || 5230;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })
  .then((r) => process.exit(r.status === 200 ? 0 : 1))
  .catch(() => process.exit(1));
