import nodemailer, { type SmtpTransportOptions, type Transporter } from 'nodemailer';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Notifier, OutboundMessage, SentMessage } from '../../live/notifier.ts';

/** The one file that imports nodemailer: alerts and confirmations by SMTP email. */

export interface EmailNotifierOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  /** Refuse to send without STARTTLS (set for any server off this machine). */
  requireTLS?: boolean;
  user?: string;
  pass?: string;
  /** The From address. */
  from: string;
}

/** Email through an SMTP server: subject from the first line (or `data.subject`), body text plus the structured record. */
export class EmailNotifier implements Notifier {
  readonly channel = 'email';
  private readonly transport: Transporter;

  constructor(private readonly opts: EmailNotifierOptions) {
    this.transport = nodemailer.createTransport({
      host: opts.host,
      port: opts.port,
      secure: opts.secure ?? false,
      requireTLS: opts.requireTLS ?? false,
      ...(opts.user !== undefined && opts.pass !== undefined ? { auth: { user: opts.user, pass: opts.pass } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } satisfies SmtpTransportOptions);
  }

  async send(msg: OutboundMessage): Promise<SentMessage> {
    const subject = typeof msg.data?.subject === 'string' ? msg.data.subject : (msg.body.split('\n')[0] ?? '').slice(0, 120);
    const { subject: _s, ...rest } = msg.data ?? {};
    const text = Object.keys(rest).length > 0 ? `${msg.body}\n\n${JSON.stringify(rest, null, 2)}\n` : `${msg.body}\n`;
    try {
      const info = await this.transport.sendMail({ from: this.opts.from, to: msg.to, subject, text });
      if (info.rejected.length > 0) throw new Error(`recipient rejected: ${info.rejected.join(', ')}`);
      return { providerId: info.messageId, from: this.opts.from };
    } catch (err) {
      throw new TradepilotError(ErrorCode.NETWORK, `email to ${msg.to} via ${this.opts.host}:${this.opts.port} failed: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  /** Connect, log in and QUIT without sending: a health check for `smoke` and /health. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (err) {
      throw new TradepilotError(ErrorCode.NETWORK, `SMTP ${this.opts.host}:${this.opts.port} check failed: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  /** Close pooled connections (none by default; safe to call). */
  close(): void {
    this.transport.close();
  }
}
