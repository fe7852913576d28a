# Vigie in a container: `docker build -t vigie .` then see compose.yaml, or
#   docker run -p 127.0.0.1:3000:3000 -v vigie-data:/data -v ./config/vigie.yaml:/app/config/vigie.yaml:ro vigie
# Build stage: dependencies with their native modules (better-sqlite3; argon2 comes prebuilt), and dist/.
FROM node:20-slim AS build
WORKDIR /app
# node-gyp's needs, for a native module without a prebuilt binary for this platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY . .
RUN npm ci && npm prune --omit=dev

# Run stage: the built app, no compiler, as an unprivileged user.
FROM node:20-slim
ENV NODE_ENV=production \
    VIGIE_DATA_DIR=/data \
    VIGIE_HOST=0.0.0.0 \
    VIGIE_PORT=3000
# Browser screenshots of posts are optional: uncomment to add Debian's chromium (~300 MB).
# RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `vigie` runs dist/ (built above); SIGTERM from `docker stop` shuts it down cleanly.
CMD ["node", "bin/vigie.js", "start"]
