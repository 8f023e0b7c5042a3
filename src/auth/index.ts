/** Authentication and authorization: users, roles, sessions, API tokens and share links. */
export {
  ANONYMOUS,
  AuthError,
  ROLES,
  SCOPES,
  hasCapability,
  isRole,
  isScope,
  roleCapabilities,
  scopeCapabilities,
  scopesAllowedFor,
  type Capability,
  type Principal,
  type Role,
  type Scope,
  type ShareTarget,
} from './types.js';
export {
  CSRF_COOKIE,
  CSRF_HEADER,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  readCookie,
  readCredential,
  setCookie,
  type Credential,
  type CredentialForm,
  type CredentialForms,
} from './credentials.js';
export {
  AuthService,
  defaultAuthOptions,
  principalRole,
  type AuthOptions,
  type LoginResult,
} from './service.js';
export { PasswordHasher, DEFAULT_SCRYPT, passwordProblem, type ScryptParams } from './password.js';
export { Throttle, defaultThrottleOptions, type ThrottleOptions } from './throttle.js';
export { defaultSessionOptions, type SessionOptions } from './sessions.js';
export { SHARE_PREFIX, TOKEN_PREFIX, type ShareInfo, type TokenInfo } from './tokens.js';
export { checkUserName, type UserInfo } from './users.js';
export { compileShareQueries } from './share-queries.js';
export { constantTimeEqual } from './secrets.js';
export { shareTarget } from './records.js';
export {
  TOKEN_USAGE,
  TokenUsageError,
  createTokenOffline,
  parseTokenArgs,
  type TokenCreateArgs,
} from './offline.js';
