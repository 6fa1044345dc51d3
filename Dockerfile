# tradepilot: the REST API, webhooks and scheduled jobs (`tradepilot serve`).
# Build: docker build -t tradepilot .    Run: see docs/DEPLOYMENT.md
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TRADEPILOT_DB=/data/tradepilot.db \
    MODEL_DIR=/data/models \
    DATA_CACHE_DIR=/data/cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY data ./data
# A non-root user owns only the data volume; the code stays read-only to it.
RUN groupadd --system --gid 10001 tradepilot \
 && useradd --system --uid 10001 --gid tradepilot --home-dir /data --shell /usr/sbin/nologin tradepilot \
 && mkdir -p /data && chown tradepilot:tradepilot /data
USER tradepilot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "bin/tradepilot.js", "smoke", "--url", "http://127.0.0.1:8080"]
# Inside the container bind all interfaces; publish the port on 127.0.0.1 or behind a proxy.
ENTRYPOINT ["node", "bin/tradepilot.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
