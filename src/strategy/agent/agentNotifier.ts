import { ConsoleNotifier } from '../../adapters/notify/consoleNotifier.ts';
import type { Config } from '../../config/config.ts';
import type { Notifier } from '../../live/notifier.ts';

/**
 * The operator's channel: Twilio SMS when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
 * and TWILIO_FROM are set (TWILIO_API_BASE_URL, when set, redirects the SDK, e.g.
 * to a regional edge or a local test server), else the console on `stderr`.
 */
export async function agentNotifier(cfg: Config, env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream | null): Promise<Notifier> {
  if (cfg.TWILIO_ACCOUNT_SID && cfg.TWILIO_AUTH_TOKEN && cfg.TWILIO_FROM) {
    const apiBaseUrl = cfg.TWILIO_API_BASE_URL ?? env.TWILIO_API_BASE_URL;
    const { TwilioSmsNotifier } = await import('../../adapters/notify/twilioSms.ts');
    return new TwilioSmsNotifier({ accountSid: cfg.TWILIO_ACCOUNT_SID, authToken: cfg.TWILIO_AUTH_TOKEN, from: cfg.TWILIO_FROM, ...(apiBaseUrl ? { apiBaseUrl } : {}) });
  }
  return new ConsoleNotifier(stderr);
}
