// The generated Dockerfile, built by buildah. No registry is reachable here, so two stand-ins,
// both at the Dockerfile's own seams: the base image (`ARG NODE_IMAGE`) is this machine's node
// on `FROM scratch`, and the build stage is replaced (`--build-context build=…`) by the bundle
// made with the same esbuild arguments its RUN line uses. The runtime stage is built as written.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleArgs, bundleFile, serverCommand } from "../../src/deploy/k8s/bundle.js";
import { leftOut } from "../support/system.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "jobwrap-image-"));
const storage = ["--root", join(work, "storage"), "--runroot", join(work, "run"), "--storage-driver", "vfs"];
const buildah = (...args: string[]) => execFileSync("buildah", [...storage, ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** node and the shared libraries it links, on an empty root: what the slim image gives it. */
function nodeBase(): string {
  const rootfs = join(work, "base/rootfs");
  const files = [process.execPath, ...execFileSync("ldd", [process.execPath], { encoding: "utf8" }).match(/\/\S+/g)!];
  for (const file of new Set(files)) {
    mkdirSync(join(rootfs, dirname(file)), { recursive: true });
    copyFileSync(file, join(rootfs, file));
  }
  if (process.execPath !== "/usr/bin/node" && process.execPath !== "/usr/local/bin/node") {
    mkdirSync(join(rootfs, "usr/local/bin"), { recursive: true });
    copyFileSync(process.execPath, join(rootfs, "usr/local/bin/node"));
  }
  writeFileSync(join(work, "base/Containerfile"), "FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n");
  buildah("bud", "-q", "-f", join(work, "base/Containerfile"), "-t", "localhost/jobwrap-node-base", join(work, "base"));
  return "localhost/jobwrap-node-base";
}

describe.skipIf(leftOut("image"))("examples/kubernetes/Dockerfile (buildah)", () => {
  let built: string;

  beforeAll(() => {
    const bundled = join(work, "build");
    execFileSync(join(root, "node_modules/.bin/esbuild"), [...bundleArgs("examples/node/main.ts", join(bundled, "app/dist")), "--log-level=warning"], { cwd: root });
    const base = nodeBase();
    built = buildah(
      "bud", "-q", "--build-context", `build=${bundled}`, "--build-arg", `NODE_IMAGE=${base}`,
      "-f", "examples/kubernetes/Dockerfile", "-t", "localhost/users:test", ".",
    );
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("runs node itself as uid 1000 on the bundle alone, with no node_modules", () => {
    expect(built).toMatch(/[0-9a-f]{64}/);
    const config = JSON.parse(buildah("inspect", "--type", "image", "localhost/users:test")) as {
      OCIv1: { config: { User: string; Cmd: string[]; WorkingDir: string; Env: string[]; ExposedPorts: Record<string, unknown> } };
    };
    expect(config.OCIv1.config).toMatchObject({ User: "1000:1000", Cmd: serverCommand(), WorkingDir: "/app", ExposedPorts: { "8080/tcp": {} } });
    expect(config.OCIv1.config.Env).toEqual(expect.arrayContaining(["NODE_ENV=production", "PORT=8080"]));

    // Inside the image, as its user, without starting the server (no network here).
    const container = buildah("from", "-q", "localhost/users:test").trim();
    const inside = buildah(
      "run", "--isolation", "chroot", container, "--",
      "node", "-e", `const fs = require("node:fs"); console.log(JSON.stringify({ uid: process.getuid(), files: fs.readdirSync(".").sort(), modules: fs.existsSync("node_modules") }))`,
    );
    expect(JSON.parse(inside)).toEqual({ uid: 1000, files: [bundleFile(), `${bundleFile()}.map`], modules: false });
    buildah("run", "--isolation", "chroot", container, "--", "node", "--check", bundleFile());
  });
});
