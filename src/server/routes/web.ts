import { ErrorCode } from '../../core/errors.ts';
import { HttpError } from '../httpErrors.ts';
import type { RouteModule } from '../routeModule.ts';
import { DEFAULT_WEB_DIR, etagMatches, readWebFile, resolveWebPath, WEB_PREFIX } from '../web/staticFiles.ts';

/**
 * The web dashboard (web/dist) under /app, public like any static site (its API
 * calls carry the key); `/` redirects to it. Kept out of the OpenAPI document.
 */
export const webRoutes: RouteModule = {
  name: 'web',
  register(app, { deps }) {
    const root = deps.webDir ?? DEFAULT_WEB_DIR;
    const config = { auth: 'public' as const };
    const schema = { hide: true };
    app.get('/', { config, schema }, async (_req, reply) => reply.redirect(`${WEB_PREFIX}/`, 302));
    app.get(WEB_PREFIX, { config, schema }, async (_req, reply) => reply.redirect(`${WEB_PREFIX}/`, 301));
    app.get(`${WEB_PREFIX}/*`, { config, schema }, async (req, reply) => {
      const path = req.url.slice(WEB_PREFIX.length + 1).split('?')[0]!;
      const r = await resolveWebPath(root, path);
      if (r.kind === 'refused') throw new HttpError(400, ErrorCode.BAD_INPUT, `refused path: ${r.reason}`, 'path');
      if (r.kind === 'missing') {
        const built = await resolveWebPath(root, '');
        throw new HttpError(404, ErrorCode.NOT_FOUND, built.kind === 'file' ? `no file ${WEB_PREFIX}/${r.rel}` : 'the dashboard is not built: run `npm run build:web`');
      }
      const f = await readWebFile(r.path, r.rel);
      reply.header('cache-control', f.cacheControl).header('etag', f.etag).header('content-type', f.contentType);
      if (etagMatches(req.headers['if-none-match'], f.etag)) return reply.code(304).send();
      return reply.send(f.body);
    });
  },
};
