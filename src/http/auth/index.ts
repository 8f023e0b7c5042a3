/** The HTTP side of authentication: the guard, the policy table, the auth API routes. */
export { AuthGuard, clientOf } from './guard.js';
export {
  DEFAULT_POLICY,
  POLICY,
  policyFor,
  requirementFor,
  type Requirement,
  type RoutePolicy,
} from './policy.js';
export { addAuthRoutes } from './routes.js';
export {
  isRestricted,
  localWhenRestricted,
  parseTokenMatchers,
  restrictedStorage,
  RestrictedStorage,
} from './restricted.js';
