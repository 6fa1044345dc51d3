/**
 * The part of nodemailer 7's API the email notifier uses. @types/nodemailer is
 * not installed here (no new dependencies), so the shapes are declared locally.
 */
declare module 'nodemailer' {
  export interface SmtpTransportOptions {
    host: string;
    port: number;
    secure?: boolean;
    auth?: { user: string; pass: string };
    ignoreTLS?: boolean;
    requireTLS?: boolean;
    name?: string;
    connectionTimeout?: number;
    greetingTimeout?: number;
    socketTimeout?: number;
  }
  export interface MailOptions {
    from: string;
    to: string;
    subject: string;
    text: string;
    headers?: Record<string, string>;
  }
  export interface SentMessageInfo {
    messageId: string;
    accepted: string[];
    rejected: string[];
    response: string;
  }
  export interface Transporter {
    sendMail(mail: MailOptions): Promise<SentMessageInfo>;
    verify(): Promise<true>;
    close(): void;
  }
  export function createTransport(options: SmtpTransportOptions): Transporter;
  const nodemailer: { createTransport: typeof createTransport };
  export default nodemailer;
}
