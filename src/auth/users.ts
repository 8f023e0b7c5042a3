/** Users in the metadata store: create, read, update, delete, with validated names and passwords. */
import type { MetaStore } from '../meta/index.js';
import { PasswordHasher, passwordProblem } from './password.js';
import { USERS, userDoc, type UserDoc } from './records.js';
import { AuthError, type Role } from './types.js';

/** User names: letters, digits and `._@-`, 1 to 64 characters, compared lower-cased. */
const NAME_RE = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** A user as the API shows it (no password hash). */
export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
}

/** Normalizes a user name, or throws 400 when it is not acceptable. */
export function checkUserName(name: string): string {
  const n = name.trim().toLowerCase();
  if (!NAME_RE.test(n))
    throw new AuthError(
      400,
      'cannot use this user name: use 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
    );
  return n;
}

function checkPassword(p: string): void {
  const problem = passwordProblem(p);
  if (problem !== undefined) throw new AuthError(400, `cannot set the password: it ${problem}`);
}

/** The users collection. */
export class Users {
  constructor(
    private readonly meta: MetaStore,
    private readonly hasher: PasswordHasher,
    private readonly now: () => number,
  ) {}

  /** The stored user, or undefined. */
  async get(name: string): Promise<UserDoc | undefined> {
    const n = name.trim().toLowerCase();
    if (!NAME_RE.test(n)) return undefined;
    const r = await this.meta.get(USERS, n);
    return r ? userDoc(r.value) : undefined;
  }

  /** Every user, sorted by name. */
  async list(): Promise<UserInfo[]> {
    const out: UserInfo[] = [];
    for (const r of await this.meta.list(USERS)) {
      const u = userDoc(r.value);
      if (u) out.push(info(u));
    }
    return out;
  }

  /** Whether at least one user exists. */
  async any(): Promise<boolean> {
    return (await this.list()).length > 0;
  }

  /** Creates a user; 409 when the name is taken. */
  async create(name: string, role: Role, password: string): Promise<UserInfo> {
    const n = checkUserName(name);
    checkPassword(password);
    const now = this.now();
    const doc: UserDoc = {
      name: n,
      role,
      passwordHash: await this.hasher.hash(password),
      createdAt: now,
      passwordChangedAt: now,
    };
    try {
      await this.meta.put(USERS, n, doc, { expectedVersion: 0 });
    } catch (e) {
      if (e instanceof Error && e.name === 'MetaConflictError')
        throw new AuthError(409, `cannot create user ${n}: the name is taken`);
      throw e;
    }
    return info(doc);
  }

  /** Changes a user's role and/or password; 404 when there is no such user. */
  async update(name: string, change: { role?: Role; password?: string }): Promise<UserInfo> {
    const r = await this.meta.get(USERS, name);
    const u = r ? userDoc(r.value) : undefined;
    if (!r || !u) throw new AuthError(404, `cannot update user ${name}: no such user`);
    if (change.password !== undefined) checkPassword(change.password);
    const doc: UserDoc = {
      ...u,
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.password !== undefined
        ? { passwordHash: await this.hasher.hash(change.password), passwordChangedAt: this.now() }
        : {}),
    };
    await this.meta.put(USERS, u.name, doc, { expectedVersion: r.version });
    return info(doc);
  }

  /** Deletes a user; false when there was none. */
  delete(name: string): Promise<boolean> {
    return this.meta.delete(USERS, name);
  }
}

function info(u: UserDoc): UserInfo {
  return { name: u.name, role: u.role, createdAt: u.createdAt };
}
