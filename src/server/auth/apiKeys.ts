import { hash, randomBytes } from 'node:crypto';
import type { Store } from '../../adapters/store/store.ts';
import { BadInputError, NotFoundError } from '../../core/errors.ts';
import type { Clock } from '../../core/time.ts';
import { shortId } from '../../core/ids.ts';
import { isRole, Roles, type Role } from './roles.ts';

/** A key as listed: never the key itself. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Who a request authenticated as: the key's public id, its hash (the rate-limit key) and role. */
export interface Principal {
  keyId: string;
  keyHash: string;
  name: string;
  role: Role;
}

/** sha256 hex of a key: the only form in which keys are stored or compared. */
export function hashApiKey(key: string): string {
  // One-shot hash: every request hashes its key, and a Hash object per call costs several times more.
  return hash('sha256', key, 'hex');
}

const KEY_RE = /^tp_[A-Za-z0-9_-]{43}$/;

/**
 * API keys: created with a role, shown once, stored as sha256 only. Lookups
 * are cached for `cacheMs` (a revoke through this service drops its entry at
 * once; another process's revoke takes effect within `cacheMs`).
 */
export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs = 5_000,
  ) {}

  /** Make a key; the plain key is returned here and nowhere else. */
  async create(name: string, role: string): Promise<{ key: string; info: ApiKeyInfo }> {
    if (!isRole(role)) throw new BadInputError(`role must be one of ${Roles.join(', ')}, got ${JSON.stringify(role)}`, { field: 'role' });
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw new BadInputError('name must be 1 to 100 characters', { field: 'name' });
    const key = `tp_${randomBytes(32).toString('base64url')}`;
    const row = {
      id: `key_${shortId()}`,
      name: trimmed,
      role,
      key_hash: hashApiKey(key),
      prefix: key.slice(0, 10),
      created_at: new Date(this.clock.now()).toISOString(),
      revoked_at: null,
    };
    await this.store.transaction(async (trx) => {
      await trx.insertInto('api_keys').values(row).execute();
      await this.store.append({ type: 'apikey.created', subject: row.id, payload: { id: row.id, name: row.name, role, prefix: row.prefix }, time: this.clock.now() }, trx);
    });
    return { key, info: toInfo(row) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.store.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'asc').execute();
    return rows.map(toInfo);
  }

  /** Revoke by id; revoking twice is a no-op that still answers with the key. */
  async revoke(id: string, actor: string): Promise<ApiKeyInfo> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no API key with id ${id}`);
    if (row.revoked_at === null) {
      const at = new Date(this.clock.now()).toISOString();
      await this.store.transaction(async (trx) => {
        await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
        await this.store.append({ type: 'apikey.revoked', subject: id, payload: { id, by: actor }, time: this.clock.now() }, trx);
      });
      row.revoked_at = at;
    }
    this.cache.delete(row.key_hash);
    return toInfo(row);
  }

  /**
   * The verdict on a key from the cache alone, without waiting: the principal,
   * null (unknown, malformed or revoked), or undefined when the store must be
   * asked ({@link verify}). Lets the auth hook stay synchronous for known keys.
   */
  verifyCached(key: string): Principal | null | undefined {
    if (!KEY_RE.test(key)) return null;
    const hit = this.cache.get(hashApiKey(key));
    return hit && this.clock.now() - hit.at < this.cacheMs ? hit.principal : undefined;
  }

  /** The principal of a presented key, or null when it is unknown, malformed or revoked. */
  async verify(key: string): Promise<Principal | null> {
    if (!KEY_RE.test(key)) return null;
    const hash = hashApiKey(key);
    const now = this.clock.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < this.cacheMs) return hit.principal;
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
    const principal = row && row.revoked_at === null && isRole(row.role) ? { keyId: row.id, keyHash: hash, name: row.name, role: row.role } : null;
    // Bounded: unknown keys are cached too, so a flood of junk keys cannot grow it without limit.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, at: now });
    return principal;
  }
}

function toInfo(r: { id: string; name: string; role: string; prefix: string; created_at: string; revoked_at: string | null }): ApiKeyInfo {
  return { id: r.id, name: r.name, role: r.role as Role, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at };
}
