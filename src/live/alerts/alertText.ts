import type { Alert } from '../../core/alert.ts';

/** One line a person reads (SMS, console, email subject): what, how much, at what, how sure, until when. */
export function alertText(a: Alert): string {
  const what =
    a.instrument === 'stock'
      ? `${a.ticker} ${a.action} ${a.quantity}`
      : a.instrument === 'option'
        ? `${a.underlying} ${a.action} ${a.contracts}x ${a.expiration} ${fmt(a.strike)} ${a.option_type.toUpperCase()}`
        : `${a.contract} (${a.contract_month}) ${a.action} ${a.quantity}`;
  const stops = [a.stop_loss !== null ? `stop ${fmt(a.stop_loss)}` : '', a.take_profit !== null ? `target ${fmt(a.take_profit)}` : ''].filter(Boolean).join(', ');
  const ref = a.instrument === 'option' ? 'underlying' : 'entry';
  return `${what} — ${ref} ${fmt(a.entry_price)}${stops ? `, ${stops}` : ''} — Confidence: ${Math.round(a.confidence * 100)}% (${a.urgency}) — valid until ${a.valid_until.slice(0, 16).replace('T', ' ')} UTC — ${a.model_id}`;
}

function fmt(x: number): string {
  return x >= 1 ? x.toFixed(2) : x.toPrecision(4);
}
