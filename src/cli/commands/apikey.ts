import { systemClock } from '../../core/time.ts';
import type { ApiKeyService } from '../../server/auth/apiKeys.ts';
import { Roles } from '../../server/auth/roles.ts';
import { action, withStore, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

interface CreateOpts extends CommonOptions {
  role: string;
  name: string;
}

async function withKeys<T>(ctx: Parameters<CommandModule>[1], opts: CommonOptions, fn: (svc: ApiKeyService) => Promise<T>): Promise<T> {
  const { ApiKeyService } = await import('../../server/auth/apiKeys.ts');
  return withStore(ctx, opts, (store) => fn(new ApiKeyService(store, systemClock, 0)));
}

/** `tradepilot apikey create|list|revoke`: REST API keys (stored as sha256 hashes only). */
export const registerApikey: CommandModule = (program, ctx) => {
  const cmd = program.command('apikey').description('manage REST API keys (roles user, premium, admin); keys are shown once and stored hashed');
  cmd
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--role <role>', `one of ${Roles.join(', ')}`)
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--json', 'print one JSON document')
    .action(
      action<CreateOpts>(ctx, async (opts) =>
        withKeys(ctx, opts, async (svc) => {
          const { key, info } = await svc.create(opts.name, opts.role);
          return {
            json: { ...info, key },
            human: `${key}\n\nAPI key ${info.id} (${info.role}, "${info.name}") created. Store it now: it is not shown again and only its hash is kept.\nUse it as "Authorization: Bearer <key>" or "X-API-Key: <key>".`,
          };
        }),
      ),
    );
  cmd
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--json', 'print one JSON document')
    .action(
      action<CommonOptions>(ctx, async (opts) =>
        withKeys(ctx, opts, async (svc) => {
          const keys = await svc.list();
          const rows = keys.map((k) => [k.id, k.name, k.role, `${k.prefix}...`, k.createdAt, k.revokedAt ?? '']);
          return { json: keys, human: keys.length === 0 ? 'no API keys; create one with `tradepilot apikey create --role user --name NAME`' : table(['id', 'name', 'role', 'prefix', 'created', 'revoked'], rows) };
        }),
      ),
    );
  cmd
    .command('revoke')
    .description('revoke a key by id (effective at once for new processes, within seconds for a running server)')
    .argument('<id>', 'the key id (key_...)')
    .option('--json', 'print one JSON document')
    .action(
      action<CommonOptions>(ctx, async (opts, args) =>
        withKeys(ctx, opts, async (svc) => {
          const info = await svc.revoke(args[0]!, 'cli');
          return { json: info, human: `revoked ${info.id} (${info.role}, "${info.name}") at ${info.revokedAt}` };
        }),
      ),
    );
};
