/**
 * The AWS SDK, loaded on the first offsite operation rather than at start: the backup scheduler
 * imports this feature at boot, and @aws-sdk/client-s3 alone keeps about 15 MB resident (issue 18).
 */
export const s3Sdk = () => import('@aws-sdk/client-s3');
export const s3Upload = () => import('@aws-sdk/lib-storage');
