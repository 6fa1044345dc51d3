import type { Selectable } from 'kysely';
import type { Store } from '../../adapters/store/store.ts';
import type { ConfirmationsTable } from '../../adapters/store/schema.ts';
import { BadInputError, ErrorCode, NotFoundError, TradepilotError } from '../../core/errors.ts';
import { shortId, uuidv7 } from '../../core/ids.ts';
import type { Clock } from '../../core/time.ts';
import type { Notifier } from '../notifier.ts';
import { confirmationText, parseReply, REPLY_GUIDANCE, type ReplyDecision } from './smsText.ts';

export type Confirmation = Selectable<ConfirmationsTable>;

export const ConfirmationStatus = {
  PENDING: 'pending',
  CONFIRMED: 'confirmed',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  EXECUTED: 'executed',
  FAILED: 'failed',
} as const;
export type ConfirmationStatus = (typeof ConfirmationStatus)[keyof typeof ConfirmationStatus];

/** A trade to put to a person. */
export interface ConfirmationRequest {
  symbol: string;
  action: 'BUY' | 'SELL';
  confidence: number;
  quantity: number;
  predictionId?: string;
  alertId?: string;
  /** A fire drill (`agent run --signal`): recorded as such. */
  drill?: boolean;
}

/** An inbound reply as the webhook (or CLI/API) hands it over. */
export interface InboundReply {
  from: string;
  body: string;
  /** The provider's message id (Twilio MessageSid); repeated deliveries share it. */
  providerId?: string;
  signature?: string;
  verified: boolean;
  channel?: 'sms' | 'cli' | 'api' | 'dashboard';
}

/** What happened to a reply, and the text to answer with. */
export interface ReplyOutcome {
  kind: 'executed' | 'execution_failed' | 'skipped' | 'expired' | 'duplicate' | 'already_resolved' | 'no_pending' | 'ambiguous' | 'guidance';
  reply: string;
  confirmationId?: string;
  receipt?: unknown;
}

/** Places the confirmed trade (through the order gate); returns a receipt to store. */
export type ExecuteConfirmed = (c: Confirmation) => Promise<{ ok: boolean; receipt: unknown; message: string }>;

export interface ConfirmationServiceDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  /** SMS_CONFIRMATION_TIMEOUT in seconds. */
  timeoutSeconds: number;
  /** OPERATOR_PHONE_NUMBER. */
  operatorPhone: string;
  execute: ExecuteConfirmed;
}

/**
 * Human-in-the-loop confirmation: a pending record, an SMS, and a reply that
 * either executes the trade once, skips it, or finds it expired. A reply is
 * applied inside one transaction with a conditional status change, so repeated
 * or concurrent deliveries of the same YES place at most one order.
 */
export class ConfirmationService {
  constructor(private readonly deps: ConfirmationServiceDeps) {}

  /** Create a pending confirmation and text it to the operator. */
  async request(req: ConfirmationRequest): Promise<{ confirmation: Confirmation; text: string }> {
    if (!(req.confidence >= 0 && req.confidence <= 1)) throw new BadInputError(`confidence must be in [0, 1], got ${req.confidence}`);
    if (!(req.quantity > 0)) throw new BadInputError(`quantity must be positive, got ${req.quantity}`);
    const { store, clock, notifier } = this.deps;
    const now = clock.now();
    const row: Confirmation = {
      id: shortId(),
      prediction_id: req.predictionId ?? null,
      alert_id: req.alertId ?? null,
      symbol: req.symbol,
      action: req.action,
      confidence: req.confidence,
      quantity: req.quantity,
      phone: this.deps.operatorPhone,
      status: ConfirmationStatus.PENDING,
      drill: req.drill ? 1 : 0,
      created_at: iso(now),
      expires_at: iso(now + this.deps.timeoutSeconds * 1000),
      resolved_at: null,
      resolution_message_id: null,
    };
    const text = confirmationText(req.symbol, req.action, req.confidence, row.id);
    await store.transaction(async (trx) => {
      await trx.insertInto('confirmations').values(row).execute();
      await store.append({ type: 'confirmation.requested', subject: row.id, correlationId: row.prediction_id, payload: row, time: now }, trx);
    });
    // Sent after the record exists, so a fast reply always finds it.
    const sent = await notifier.send({ to: this.deps.operatorPhone, body: text, data: { confirmation_id: row.id } });
    await store.transaction(async (trx) => {
      const msg = {
        id: uuidv7(),
        direction: 'out',
        channel: notifier.channel,
        to_addr: this.deps.operatorPhone,
        from_addr: sent.from ?? null,
        body: text,
        prediction_id: row.prediction_id,
        confirmation_id: row.id,
        provider_id: sent.providerId,
        signature: null,
        verified: 1,
        created_at: iso(clock.now()),
      };
      await trx.insertInto('messages').values(msg).execute();
      await store.append({ type: 'message.sent', subject: row.id, correlationId: row.prediction_id, payload: msg }, trx);
    });
    return { confirmation: row, text };
  }

  /** Apply an inbound reply. Unverified replies must be refused by the caller before this. */
  async handleReply(inbound: InboundReply): Promise<ReplyOutcome> {
    if (!inbound.verified) throw new TradepilotError(ErrorCode.FORBIDDEN, 'reply signature not verified');
    const { store, clock } = this.deps;
    const channel = inbound.channel ?? 'sms';
    if (inbound.providerId) {
      const seen = await store.db
        .selectFrom('messages')
        .select(['confirmation_id'])
        .where('channel', '=', channel)
        .where('direction', '=', 'in')
        .where('provider_id', '=', inbound.providerId)
        .executeTakeFirst();
      if (seen) return { kind: 'duplicate', reply: 'Already received; nothing more to do.', confirmationId: seen.confirmation_id ?? undefined };
    }
    const parsed = parseReply(inbound.body);
    const now = clock.now();
    const candidates = parsed ? await this.findTargets(parsed.id, inbound.from) : [];
    const target = candidates.length === 1 ? candidates[0] : undefined;
    const messageId = uuidv7();

    // Record the message and apply the decision atomically; the unique provider id makes a racing duplicate fail here.
    type Step = { outcome: ReplyOutcome; execute?: Confirmation };
    let step: Step;
    try {
      step = await store.transaction(async (trx): Promise<Step> => {
        await trx
          .insertInto('messages')
          .values({
            id: messageId,
            direction: 'in',
            channel,
            to_addr: null,
            from_addr: inbound.from,
            body: inbound.body,
            prediction_id: target?.prediction_id ?? null,
            confirmation_id: target?.id ?? null,
            provider_id: inbound.providerId ?? null,
            signature: inbound.signature ?? null,
            verified: 1,
            created_at: iso(now),
          })
          .execute();
        await store.append({ type: 'message.received', subject: target?.id ?? null, correlationId: target?.prediction_id ?? null, payload: { from: inbound.from, body: inbound.body, providerId: inbound.providerId ?? null, channel } }, trx);
        if (!parsed) return { outcome: { kind: 'guidance', reply: REPLY_GUIDANCE } };
        if (candidates.length > 1) {
          // A bare YES with several signals waiting could trade the wrong one: ask for the id.
          const list = candidates.map((c) => `${c.symbol} ${c.action} (ID ${c.id})`).join(', ');
          return { outcome: { kind: 'ambiguous', reply: `Several signals are waiting: ${list}. Reply YES or NO followed by the ID.` } };
        }
        if (!target) return { outcome: { kind: 'no_pending', reply: parsed.id ? `No signal with ID ${parsed.id}.` : 'No signal is waiting for a reply.' } };
        if (target.status !== ConfirmationStatus.PENDING) {
          return { outcome: { kind: 'already_resolved', reply: `${target.symbol} ${target.action} (ID ${target.id}) is already ${target.status}.`, confirmationId: target.id } };
        }
        if (now > Date.parse(target.expires_at)) {
          await this.transition(trx, target.id, ConfirmationStatus.EXPIRED, now, messageId);
          return { outcome: { kind: 'expired', reply: `${target.symbol} ${target.action} (ID ${target.id}) expired at ${target.expires_at}; no order placed.`, confirmationId: target.id } };
        }
        const next = parsed.decision === 'YES' ? ConfirmationStatus.CONFIRMED : ConfirmationStatus.REJECTED;
        const won = await this.transition(trx, target.id, next, now, messageId);
        if (!won) return { outcome: { kind: 'already_resolved', reply: `ID ${target.id} was already answered.`, confirmationId: target.id } };
        if (next === ConfirmationStatus.REJECTED) {
          return { outcome: { kind: 'skipped', reply: `Skipped ${target.symbol} ${target.action} (ID ${target.id}).`, confirmationId: target.id } };
        }
        return { outcome: { kind: 'executed', reply: '', confirmationId: target.id }, execute: { ...target, status: next } };
      });
    } catch (err) {
      if (inbound.providerId && isUniqueViolation(err)) return { kind: 'duplicate', reply: 'Already received; nothing more to do.' };
      throw err;
    }
    if (!step.execute) return step.outcome;
    return this.executeConfirmed(step.execute);
  }

  /** Answer from the CLI, API or dashboard: the same rules as an SMS reply. */
  async decide(id: string, decision: ReplyDecision, channel: 'cli' | 'api' | 'dashboard', actor: string): Promise<ReplyOutcome> {
    const c = await this.get(id);
    return this.handleReply({ from: c.phone ?? actor, body: `${decision} ${id}`, verified: true, channel, providerId: `${channel}:${uuidv7()}` });
  }

  /** Expire every pending confirmation past its deadline; returns how many. */
  async expireStale(): Promise<number> {
    const now = this.deps.clock.now();
    const stale = await this.deps.store.db
      .selectFrom('confirmations')
      .select('id')
      .where('status', '=', ConfirmationStatus.PENDING)
      .where('expires_at', '<', iso(now))
      .execute();
    let n = 0;
    for (const { id } of stale) {
      const done = await this.deps.store.transaction((trx) => this.transition(trx, id, ConfirmationStatus.EXPIRED, now, null));
      if (done) n++;
    }
    return n;
  }

  async get(id: string): Promise<Confirmation> {
    const row = await this.deps.store.db.selectFrom('confirmations').selectAll().where('id', '=', id.toUpperCase()).executeTakeFirst();
    if (!row) throw new NotFoundError(`no confirmation with id ${id}`);
    return row;
  }

  async list(opts: { status?: string; limit?: number } = {}): Promise<Confirmation[]> {
    let q = this.deps.store.db.selectFrom('confirmations').selectAll().orderBy('created_at', 'desc').limit(opts.limit ?? 100);
    if (opts.status) q = q.where('status', '=', opts.status);
    return q.execute();
  }

  private async executeConfirmed(c: Confirmation): Promise<ReplyOutcome> {
    const { store, clock } = this.deps;
    let result: { ok: boolean; receipt: unknown; message: string };
    try {
      result = await this.deps.execute(c);
    } catch (err) {
      result = { ok: false, receipt: null, message: (err as Error).message };
    }
    const status = result.ok ? ConfirmationStatus.EXECUTED : ConfirmationStatus.FAILED;
    await store.transaction(async (trx) => {
      await trx.updateTable('confirmations').set({ status }).where('id', '=', c.id).where('status', '=', ConfirmationStatus.CONFIRMED).execute();
      await store.append({ type: result.ok ? 'confirmation.executed' : 'confirmation.failed', subject: c.id, correlationId: c.prediction_id, payload: { receipt: result.receipt, message: result.message }, time: clock.now() }, trx);
    });
    return {
      kind: result.ok ? 'executed' : 'execution_failed',
      reply: result.ok ? `Done: ${result.message} (ID ${c.id}).` : `Could not execute ${c.symbol} ${c.action} (ID ${c.id}): ${result.message}`,
      confirmationId: c.id,
      receipt: result.receipt,
    };
  }

  /** The confirmation a reply is about: by id, or else every pending one sent to this number. */
  private async findTargets(id: string | undefined, from: string): Promise<Confirmation[]> {
    const db = this.deps.store.db;
    if (id) return db.selectFrom('confirmations').selectAll().where('id', '=', id).execute();
    return db
      .selectFrom('confirmations')
      .selectAll()
      .where('phone', '=', from)
      .where('status', '=', ConfirmationStatus.PENDING)
      .where('expires_at', '>=', iso(this.deps.clock.now()))
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Conditional pending -> next; false when someone else got there first. */
  private async transition(trx: Parameters<Parameters<Store['transaction']>[0]>[0], id: string, next: ConfirmationStatus, now: number, messageId: string | null): Promise<boolean> {
    const res = await trx
      .updateTable('confirmations')
      .set({ status: next, resolved_at: iso(now), resolution_message_id: messageId })
      .where('id', '=', id)
      .where('status', '=', ConfirmationStatus.PENDING)
      .executeTakeFirst();
    const changed = Number(res.numUpdatedRows) === 1;
    if (changed) await this.deps.store.append({ type: `confirmation.${next}`, subject: id, payload: { messageId }, time: now }, trx);
    return changed;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
