import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A message the fake SMTP server accepted. */
export interface SmtpMessage {
  from: string;
  to: string[];
  /** The raw RFC 5322 message (headers and body), dot-unstuffed. */
  data: string;
  /** The authenticated user, when the client logged in. */
  user?: string;
}

/**
 * A tiny SMTP server on 127.0.0.1 speaking the real protocol (RFC 5321):
 * 220 greeting, EHLO/HELO, optional AUTH PLAIN / LOGIN, MAIL FROM, RCPT TO,
 * DATA ending in <CRLF>.<CRLF> with dot-unstuffing, RSET, NOOP, QUIT. It offers
 * no STARTTLS, so a client must be told not to require it.
 */
export class FakeSmtp {
  readonly messages: SmtpMessage[] = [];
  /** SMTP commands in the order received (without the DATA payload). */
  readonly commands: string[] = [];
  /** Recipients to refuse with 550. */
  readonly refuse = new Set<string>();
  private server: Server | undefined;
  private seq = 0;

  constructor(readonly credentials?: { user: string; pass: string }) {}

  async start(): Promise<{ host: string; port: number }> {
    this.server = createServer((s) => this.session(s));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return { host: '127.0.0.1', port: (this.server!.address() as AddressInfo).port };
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private session(sock: Socket): void {
    let buf = '';
    let inData = false;
    let dataLines: string[] = [];
    let from: string | null = null;
    let to: string[] = [];
    let user: string | undefined;
    let authStep: 'login-user' | 'login-pass' | null = null;
    let loginUser = '';
    const say = (line: string): void => void sock.write(`${line}\r\n`);
    const reset = (): void => {
      from = null;
      to = [];
    };
    const checkAuth = (u: string, p: string): void => {
      if (this.credentials && u === this.credentials.user && p === this.credentials.pass) {
        user = u;
        say('235 2.7.0 Authentication successful');
      } else say('535 5.7.8 Authentication credentials invalid');
    };
    say('220 fake.smtp.local ESMTP ready');
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const id = `${++this.seq}.fake@smtp.local`;
            this.messages.push({ from: from!, to, data: dataLines.join('\r\n'), user });
            say(`250 2.0.0 Ok: queued as ${id}`);
            dataLines = [];
            reset();
          } else dataLines.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        if (authStep === 'login-user') {
          loginUser = Buffer.from(line, 'base64').toString('utf8');
          authStep = 'login-pass';
          say(`334 ${Buffer.from('Password:').toString('base64')}`);
          continue;
        }
        if (authStep === 'login-pass') {
          authStep = null;
          checkAuth(loginUser, Buffer.from(line, 'base64').toString('utf8'));
          continue;
        }
        this.commands.push(line.replace(/^(AUTH \w+) .*/i, '$1 ***'));
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') {
          const caps = ['250-fake.smtp.local greets you', '250-PIPELINING', '250-8BITMIME', '250-SIZE 10485760'];
          if (this.credentials) caps.push('250-AUTH PLAIN LOGIN');
          caps.push('250 SMTPUTF8');
          for (const c of caps) say(c);
        } else if (verb === 'HELO') say('250 fake.smtp.local');
        else if (verb === 'AUTH') {
          const [, mech, arg] = line.split(' ');
          if (mech?.toUpperCase() === 'PLAIN' && arg) {
            const [, u = '', p = ''] = Buffer.from(arg, 'base64').toString('utf8').split('\0');
            checkAuth(u, p);
          } else if (mech?.toUpperCase() === 'LOGIN') {
            authStep = 'login-user';
            say(`334 ${Buffer.from('Username:').toString('base64')}`);
          } else say('504 5.5.4 Unrecognized authentication type');
        } else if (verb === 'MAIL') {
          if (this.credentials && !user) say('530 5.7.0 Authentication required');
          else {
            const m = /^MAIL FROM:\s*<([^>]*)>/i.exec(line);
            if (!m) say('501 5.5.4 Syntax: MAIL FROM:<address>');
            else {
              from = m[1]!;
              say('250 2.1.0 Ok');
            }
          }
        } else if (verb === 'RCPT') {
          const m = /^RCPT TO:\s*<([^>]+)>/i.exec(line);
          if (!from) say('503 5.5.1 Error: need MAIL command');
          else if (!m) say('501 5.5.4 Syntax: RCPT TO:<address>');
          else if (this.refuse.has(m[1]!)) say(`550 5.1.1 <${m[1]}>: Recipient address rejected`);
          else {
            to.push(m[1]!);
            say('250 2.1.5 Ok');
          }
        } else if (verb === 'DATA') {
          if (to.length === 0) say('554 5.5.1 Error: no valid recipients');
          else {
            inData = true;
            say('354 End data with <CR><LF>.<CR><LF>');
          }
        } else if (verb === 'RSET') {
          reset();
          say('250 2.0.0 Ok');
        } else if (verb === 'NOOP') say('250 2.0.0 Ok');
        else if (verb === 'QUIT') {
          say('221 2.0.0 Bye');
          sock.end();
        } else say('502 5.5.2 Error: command not recognized');
      }
    });
    sock.on('error', () => sock.destroy());
  }
}
