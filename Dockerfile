# syntax=docker/dockerfile:1.7
#
# One image per platform service, and one for the database migration job:
#
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg SERVICE=gateway -t ghcr.io/example/chat-platform/chat-gateway:1.4.0 --push .
#
# SERVICE is gateway, auth, user, message, persistence, storage or migrate. The service is
# bundled with esbuild on the build machine's own architecture; only the packages the bundle
# leaves out (OpenTelemetry, ioredis, kafkajs, pino, native addons) are installed for the
# target architecture, so the runtime image carries a few dozen packages.

ARG NODE_IMAGE=node:22.16.0-bookworm-slim

# Package manifests only, so that `npm ci` below stays cached until a manifest changes.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs -I{} cp --parents {} /manifests/

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'set the service with --build-arg SERVICE=<name>' >&2; exit 1; }
WORKDIR /src
COPY --from=manifests /manifests/ ./
# Install scripts stay off: esbuild, the Prisma client and the native addons ship prebuilt
# files through optional dependencies.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run generate --workspace @chat/db \
 && node infra/images/bundle-service.mjs "$SERVICE" /out

# The packages left out of the bundle, installed for the target architecture.
FROM ${NODE_IMAGE} AS runtime-dependencies
WORKDIR /dependencies
COPY --from=build /out/package.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock \
 && mkdir -p node_modules

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="chat-${SERVICE}" \
      org.opencontainers.image.description="Chat platform service ${SERVICE}"
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=runtime-dependencies --chown=node:node /dependencies/node_modules ./node_modules
COPY --from=build --chown=node:node /out/app/ ./
COPY --chown=node:node infra/images/healthcheck.mjs ./healthcheck.mjs
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "/app/entry.mjs"]
