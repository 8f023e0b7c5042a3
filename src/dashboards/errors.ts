/** Typed errors of the dashboard service; the HTTP layer maps each to a status code. */

/** An incoming dashboard, folder or request is malformed; `path` says where (`dashboard.panels[2].gridPos.w`). */
export class DashboardValidationError extends Error {
  override readonly name = 'DashboardValidationError';
  constructor(
    /** Where in the request the problem is, as a JSON path. */
    readonly path: string,
    /** What is wrong there. */
    readonly problem: string,
  ) {
    super(`invalid ${path}: ${problem}`);
  }
}

/** A dashboard, version or folder that does not exist. */
export class DashboardNotFoundError extends Error {
  override readonly name = 'DashboardNotFoundError';
}

/** A write based on an outdated version, or a uid or title that is already taken. */
export class DashboardConflictError extends Error {
  override readonly name = 'DashboardConflictError';
  constructor(
    message: string,
    /** Why: another version was saved meanwhile, or the uid/name exists already. */
    readonly reason: 'version-mismatch' | 'exists',
  ) {
    super(message);
  }
}

/** A provisioned dashboard (from `--dashboards.dir`) written without `--dashboards.write-back`. */
export class DashboardReadOnlyError extends Error {
  override readonly name = 'DashboardReadOnlyError';
}
