# syntax=docker/dockerfile:1
# scimsync container image. Moving to the next Node LTS is this one line.
ARG NODE_VERSION=24

# ---- build: compile TypeScript to dist/ ------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and dist/ only, as a non-root user ---------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
# `scimsync` on PATH, exactly as `npm install -g` would link the package's bin (dist/cli/main.js has a
# node shebang). State lives on a volume; the config is mounted (ConfigMap, bind mount) at /etc/scimsync.
RUN chmod 0755 /app/dist/cli/main.js \
  && ln -s /app/dist/cli/main.js /usr/local/bin/scimsync \
  && mkdir -p /etc/scimsync /var/lib/scimsync \
  && chown node:node /var/lib/scimsync
USER node
VOLUME ["/var/lib/scimsync"]
# /healthz, /readyz, /metrics (set daemon.listen to 0.0.0.0:9464 in the config to reach it from outside).
EXPOSE 9464
# The slim image has no curl: Node's own fetch. Checks liveness only; readiness is /readyz (orchestrator probes).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["scimsync"]
CMD ["daemon", "-c", "/etc/scimsync/config.yaml"]
