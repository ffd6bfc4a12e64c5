/**
 * Vitest setup file: with OPSDECK_TEST_BEDS="opsdeck,lane2" (scripts/test-all.sh), each worker
 * drives an engine of its own, so test files run in parallel without sharing containers, networks,
 * volumes or a registry. Worker N (VITEST_POOL_ID, 1…maxWorkers) takes bed N. Everything the
 * tests and their child processes start reads DOCKER_HOST, so setting it here, before a test file
 * is imported, is all it takes. With one bed, or none listed, nothing changes.
 */
const beds = (process.env.OPSDECK_TEST_BEDS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
if (beds.length > 1) {
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  const bed = beds[(Math.max(1, pool) - 1) % beds.length];
  if (!/^[a-z][a-z0-9-]{0,14}$/.test(bed)) throw new Error(`OPSDECK_TEST_BEDS holds a bad bed name: ${bed}`);
  process.env.OPSDECK_TEST_BED = bed;
  process.env.DOCKER_HOST = `unix:///run/opsdeck-bed/${bed}/docker.sock`;
}
