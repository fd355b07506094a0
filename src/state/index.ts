export { openStateStore, readStateFile, DEFAULT_STATE_STORE } from './store.js';
export type { FileStateStoreHandle, StateStore, StateStoreOptions } from './store.js';
export { freshState, sameTarget } from './fresh.js';
export { migrateState } from './migrate.js';
export { writeFileAtomic } from './atomic-file.js';
export type { LockInfo, LockOptions } from './lock.js';
export { errnoError, stateIoError } from './fs-guard.js';
export * from './types.js';
export {
  discardTargetSnapshot,
  readTargetSnapshot,
  targetSnapshotPath,
  writeTargetSnapshot,
  type SnapshotRead,
  type StoredTargetSnapshot,
  type TargetSnapshotMeta,
} from './target-snapshot.js';
