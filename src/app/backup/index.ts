/**
 * Backup and restore: online backups of a running server (`BackupService`, behind
 * `POST /api/kansoku/admin/backup`), the `kansoku backup` and `kansoku restore` commands, and
 * the data directory's lock file that the offline commands check.
 */
export { BackupBusyError, BackupService, type BackupServiceDeps } from './service.js';
export { LOCK_FILE, liveServerLock, removeDataDirLock, writeDataDirLock } from './lock.js';
