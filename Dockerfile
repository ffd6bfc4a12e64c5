# Opsdeck as a container: Next.js standalone output on a slim Node image, running as a non-root user.
#   docker build -t opsdeck .
# The images are build arguments, so a machine without a registry can build from local images
# (the test suite does: BUILDER_IMAGE/BASE_IMAGE=opsdeck/node:<major>, DOCKER_CLI_IMAGE=
# opsdeck/docker-cli:26 made from Debian's docker-cli and docker-compose packages, NPM_INSTALL=0
# with node_modules in the context, INSTALL_COMPOSE_V1=0).
ARG BUILDER_IMAGE=node:20-bookworm
ARG BASE_IMAGE=node:20-bookworm-slim
# The docker CLI and its compose v2 plugin (the official docker:cli image carries both).
ARG DOCKER_CLI_IMAGE=docker:26-cli

FROM ${DOCKER_CLI_IMAGE} AS dockercli

FROM ${BUILDER_IMAGE} AS builder
ARG NPM_INSTALL=1
WORKDIR /src
COPY package.json package-lock.json ./
RUN if [ "$NPM_INSTALL" = 1 ]; then npm install --no-audit --no-fund; fi
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 OPSDECK_STANDALONE=1
RUN node node_modules/next/dist/bin/next build && node scripts/ascii-server-chunks.mjs

FROM ${BASE_IMAGE}
# Deploy and upgrade drive the stack through compose: `docker compose` (v2) first, as on the
# operator's host; Debian's docker-compose (v1, end-of-life) only as a fallback Opsdeck uses when
# the plugin does not run (OPSDECK_COMPOSE=v1 selects it).
COPY --from=dockercli /usr/local/bin/docker /usr/local/bin/docker
COPY --from=dockercli /usr/local/libexec/docker/cli-plugins/docker-compose /usr/local/libexec/docker/cli-plugins/docker-compose
ARG INSTALL_COMPOSE_V1=1
RUN if [ "$INSTALL_COMPOSE_V1" = 1 ]; then apt-get update && apt-get install -y --no-install-recommends docker-compose && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 OPSDECK_DATA_DIR=/data
COPY --from=builder /src/.next/standalone ./
COPY --from=builder /src/.next/static ./.next/static
COPY --from=builder /src/public ./public
COPY --from=builder /src/examples ./examples
# A fixed numeric uid: the data volume's owner, and nothing in the image runs as root.
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A small V8 young generation (2 MB semi-spaces instead of up to 16 MB): about 30 MB less resident
# memory after use, for about 20 % more server CPU per streamed log line (issue 18; --optimize-for-size
# was tried and left out: it doubled that CPU). scripts/run.sh starts `next start` the same way, and
# npm run bench:server reads both lines to measure what ships.
CMD ["node", "--max-semi-space-size=2", "server.js"]
