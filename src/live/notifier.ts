/** The notifier port: SMS, email, webhooks and the console all implement it. */
export interface OutboundMessage {
  /** E.164 phone, email address or URL, depending on the channel. */
  to: string;
  body: string;
  /** Structured payload for channels that carry one (webhooks, email). */
  data?: Record<string, unknown>;
}

export interface SentMessage {
  /** The provider's id for the message (Twilio MessageSid, SMTP message-id, ...). */
  providerId: string;
  /** The address it was sent from, when the channel has one. */
  from?: string;
}

export interface Notifier {
  /** `sms`, `email`, `webhook` or `console`. */
  readonly channel: string;
  send(msg: OutboundMessage): Promise<SentMessage>;
}
