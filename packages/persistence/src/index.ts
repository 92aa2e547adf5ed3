export { type CheckReport, checkAof } from './check.ts';
export { DataDirInUseError } from './lock.ts';
export { type ReadOutcome, readLog } from './log-reader.ts';
export { FSYNC_POLICIES, type FsyncPolicy } from './log-writer.ts';
export { MANIFEST_VERSION, type Manifest, ManifestError, readManifest } from './manifest.ts';
export {
  CorruptLogError,
  type LoadReport,
  Persistence,
  type PersistenceLogger,
  type PersistenceOptions,
} from './persistence.ts';
export { encodeBatch, encodeCommand, parseCommand } from './resp.ts';
