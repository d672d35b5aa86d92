// Object storage: the interface, and the one place that picks a backend from config.
import path from 'node:path';
import type { Config } from '../config.ts';
import { LocalStore } from './local.ts';
import { S3Store } from './s3.ts';
import type { ObjectStore } from './types.ts';

export type { ObjectStore, ObjectInfo, GetResult, UploadedPart, ByteRange } from './types.ts';
export { ObjectNotFound, RangeNotSatisfiable, UploadNotFound, InvalidPart, NotSupported, WriteRefused, MAX_PARTS } from './types.ts';
export { storageRoutes } from './serve.ts';
export { storageAvailable, forgetStorageStatus } from './health.ts';
export { LocalStore } from './local.ts';
export { S3Store } from './s3.ts';

export function createStore(config: Config, now: () => Date = () => new Date()): ObjectStore {
  if (config.storage.backend === 's3') return new S3Store(config.storage.s3!);
  return new LocalStore(path.join(config.dataDir, 'storage'), config.appSecret, now);
}
