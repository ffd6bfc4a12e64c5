// Public surface of lib/offsite: encrypted copies of backup sets in S3-compatible buckets.
export { copyOffsite, type OffsiteResult } from './sync';
export { startOffsiteRestoreJob } from './jobs';
export { fetchRemoteSet, offsiteTarget } from './fetch-set';
export { listRemoteSets, deleteRemoteSet, planRemoteRetention } from './remote';
export { copiesOf, type OffsiteCopy } from './copies';
export { s3For, describeTarget, explainS3 } from './client';
export { uploadSet, type UploadOptions } from './upload';
export type { SetIndex } from './layout';
