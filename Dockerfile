# Opsdeck as a container: Next.js standalone output on a slim Node image, running as a non-root user.
#   docker build -t opsdeck .
# Both images are build arguments, so a machine without a registry can build from local images
# (the test suite does: BUILDER_IMAGE/BASE_IMAGE=opsdeck/node:<major>, NPM_INSTALL=0 with node_modules
# in the context, INSTALL_COMPOSE=0).
ARG BUILDER_IMAGE=node:20-bookworm
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BUILDER_IMAGE} AS builder
ARG NPM_INSTALL=1
WORKDIR /src
COPY package.json package-lock.json ./
RUN if [ "$NPM_INSTALL" = 1 ]; then npm install --no-audit --no-fund; fi
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 OPSDECK_STANDALONE=1
RUN node node_modules/next/dist/bin/next build

FROM ${BASE_IMAGE}
# Deploy and upgrade drive the stack through compose; Debian's docker-compose brings the CLI.
ARG INSTALL_COMPOSE=1
RUN if [ "$INSTALL_COMPOSE" = 1 ]; then apt-get update && apt-get install -y --no-install-recommends docker-compose && rm -rf /var/lib/apt/lists/*; fi
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
CMD ["node", "server.js"]
