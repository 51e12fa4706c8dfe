import { bundleArgs, bundleFile, serverCommand } from "./bundle.js";
import type { K8sOptions } from "./options.js";

/**
 * A two-stage image: the build stage installs every dependency and bundles the entry; the
 * runtime stage is the slim Node image, the bundle, and a non-root user. Build it from the
 * project root: `docker build -f <out>/Dockerfile -t <image>:<git sha> .`.
 */
export function dockerfileOf(o: K8sOptions, header: string): string {
  const bundle = ["npx", "--no-install", "esbuild", ...bundleArgs(o.entry, "/app/dist")];
  return `${header}
ARG NODE_IMAGE=${o.nodeImage}

FROM \${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN ${JSON.stringify(bundle)}

FROM \${NODE_IMAGE}
ENV NODE_ENV=production PORT=${o.port}
WORKDIR /app
COPY --from=build /app/dist/${bundleFile()} /app/dist/${bundleFile()}.map ./
# The node user (uid 1000) of the official images; numeric so runAsNonRoot can check it.
USER 1000:1000
EXPOSE ${o.port}
# Exec form: node is PID 1 and receives SIGTERM itself (no shell or npm in between to swallow it).
CMD ${JSON.stringify(serverCommand())}
`;
}

/** BuildKit and Buildah read `<Dockerfile>.dockerignore` beside the Dockerfile. */
export function dockerignoreOf(header: string): string {
  return `${header}
**/node_modules
**/dist
.git
**/.wrangler
**/*.log
.env*
`;
}
