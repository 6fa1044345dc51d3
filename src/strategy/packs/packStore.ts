/**
 * The pack catalogue: the official packs (YAML files, read-only) and custom
 * packs kept in the `packs` table, one namespace space for both. Custom packs
 * are validated exactly like pack files and belong to the user who made them.
 */
import { readFileSync } from 'node:fs';
import type { Store } from '../../adapters/store/store.ts';
import { ErrorCode, NotFoundError, TradepilotError } from '../../core/errors.ts';
import { loadPacks, PACKS_DIR } from './load.ts';
import type { Pack } from './schema.ts';
import { parsePack } from './validate.ts';

/** A pack with where it came from. */
export interface PackEntry {
  namespace: string;
  /** True for the packs shipped in packs/ (read-only). */
  official: boolean;
  /** The user who made a custom pack; null for official packs. */
  owner: string | null;
  pack: Pack;
  /** The text as written (YAML, or JSON for packs posted as JSON). */
  source: string;
  createdAt: string | null;
  updatedAt: string | null;
}

/** Who is asking: their user id, and whether they may see every user's packs. */
export interface PackViewer {
  userId: string;
  all: boolean;
}

/** Official packs from a directory plus custom packs from the store. */
export class PackCatalog {
  private official: PackEntry[] | undefined;

  constructor(
    private readonly store: Store,
    private readonly dir: string = PACKS_DIR,
    private readonly now: () => number = Date.now,
  ) {}

  /** The official packs (read once; they ship with the code). */
  officialPacks(): PackEntry[] {
    this.official ??= loadPacks(this.dir).map(({ file, pack }) => ({ namespace: pack.namespace, official: true, owner: null, pack, source: readFileSync(file, 'utf8'), createdAt: null, updatedAt: null }));
    return this.official;
  }

  /** Official packs then the viewer's custom packs (every custom pack for an admin), by namespace. */
  async list(viewer: PackViewer): Promise<PackEntry[]> {
    let q = this.store.db.selectFrom('packs').selectAll();
    if (!viewer.all) q = q.where('user_id', '=', viewer.userId);
    const rows = await q.orderBy('namespace').execute();
    return [...this.officialPacks(), ...rows.map(toEntry)];
  }

  /** One pack the viewer may see, by namespace; 404 otherwise. */
  async get(namespace: string, viewer: PackViewer): Promise<PackEntry> {
    const off = this.officialPacks().find((p) => p.namespace === namespace);
    if (off) return off;
    const row = await this.store.db.selectFrom('packs').selectAll().where('namespace', '=', namespace).executeTakeFirst();
    if (!row || (!viewer.all && row.user_id !== viewer.userId)) throw new NotFoundError(`no pack "${namespace}"`);
    return toEntry(row);
  }

  /** Validate and save a new custom pack; a namespace already taken (official or custom) is a conflict. */
  async create(userId: string, text: string): Promise<PackEntry> {
    const pack = parsePack(text, 'body');
    const ts = new Date(this.now()).toISOString();
    if (this.officialPacks().some((p) => p.namespace === pack.namespace)) throw conflict(pack.namespace, 'an official pack');
    return this.store.transaction(async (trx) => {
      const clash = await trx.selectFrom('packs').select('namespace').where('namespace', '=', pack.namespace).executeTakeFirst();
      if (clash) throw conflict(pack.namespace, 'a custom pack');
      await trx.insertInto('packs').values({ namespace: pack.namespace, user_id: userId, version: pack.version, name: pack.name, source: text, pack: JSON.stringify(pack), created_at: ts, updated_at: ts }).execute();
      await this.store.append({ type: 'pack.created', subject: pack.namespace, payload: { user: userId, namespace: pack.namespace, version: pack.version, name: pack.name } }, trx);
      return { namespace: pack.namespace, official: false, owner: userId, pack, source: text, createdAt: ts, updatedAt: ts };
    });
  }

  /** Replace a custom pack the viewer owns (the namespace cannot change); official packs are read-only. */
  async update(namespace: string, viewer: PackViewer, text: string): Promise<PackEntry> {
    const cur = await this.writable(namespace, viewer);
    const pack = parsePack(text, 'body');
    if (pack.namespace !== namespace) throw new TradepilotError(ErrorCode.BAD_INPUT, `namespace: the body says "${pack.namespace}", the URL "${namespace}"; a pack's namespace cannot change`, { field: 'namespace' });
    const ts = new Date(this.now()).toISOString();
    await this.store.transaction(async (trx) => {
      await trx.updateTable('packs').set({ version: pack.version, name: pack.name, source: text, pack: JSON.stringify(pack), updated_at: ts }).where('namespace', '=', namespace).execute();
      await this.store.append({ type: 'pack.updated', subject: namespace, payload: { user: viewer.userId, namespace, from: cur.pack.version, version: pack.version } }, trx);
    });
    return { ...cur, pack, source: text, updatedAt: ts };
  }

  /** Delete a custom pack the viewer owns; models already made from it keep their snapshot. */
  async remove(namespace: string, viewer: PackViewer): Promise<PackEntry> {
    const cur = await this.writable(namespace, viewer);
    await this.store.transaction(async (trx) => {
      await trx.deleteFrom('packs').where('namespace', '=', namespace).execute();
      await this.store.append({ type: 'pack.deleted', subject: namespace, payload: { user: viewer.userId, namespace, version: cur.pack.version, source: cur.source } }, trx);
    });
    return cur;
  }

  private async writable(namespace: string, viewer: PackViewer): Promise<PackEntry> {
    const cur = await this.get(namespace, viewer);
    if (cur.official) throw new TradepilotError(ErrorCode.FORBIDDEN, `pack "${namespace}" is an official pack and read-only; post a copy under another namespace`);
    return cur;
  }
}

function conflict(namespace: string, what: string): TradepilotError {
  return new TradepilotError(ErrorCode.CONFLICT, `namespace "${namespace}" is already taken by ${what}`, { field: 'namespace' });
}

function toEntry(r: { namespace: string; user_id: string; source: string; pack: string; created_at: string; updated_at: string }): PackEntry {
  return { namespace: r.namespace, official: false, owner: r.user_id, pack: JSON.parse(r.pack) as Pack, source: r.source, createdAt: r.created_at, updatedAt: r.updated_at };
}
