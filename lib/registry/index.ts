/** Public surface of lib/registry: what an image's registry offers. */
export { parseRepo, registryTags, type ImageRepo, type RegistryTag } from './tags';
