# syntax=docker/dockerfile:1
# Kansoku container image: one program (`kansoku server`, or `kansoku agent`), data in /data.
#
# Multi-arch (linux/amd64, linux/arm64, linux/arm/v7 for the Raspberry Pi):
#   docker buildx build --platform linux/amd64,linux/arm64,linux/arm/v7 -t kansoku:latest --push .
# See docs/deployment.md. The build stage runs the same commands as CI (.ci/run); a test
# (test/deploy/dockerfile.test.ts) keeps them in step.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile TypeScript and the UI ------------------------------
# The build output is platform-independent JavaScript, so it runs natively on the build host
# (no emulation; Rollup ships no armv7 binary in the lockfile); only the runtime stage is per-arch.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY ui/package.json ui/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies, compiled server and built UI only --------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY ui/package.json ui/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/agent ./dist/agent
COPY --from=build /src/ui/dist ./ui/dist
# The image's `node` user (uid 1000) owns the data directory; nothing else is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9777
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9777/-/healthy').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/kansoku.js"]
CMD ["server", "--web.listen-address=0.0.0.0:9777", "--storage.tsdb.path=/data"]
