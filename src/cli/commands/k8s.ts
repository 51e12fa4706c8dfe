import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "../command.js";
import { parseK8sArgs, usage } from "../../deploy/k8s/flags.js";
import { generate, manifestsFolder } from "../../deploy/k8s/generate.js";
import { InvalidK8sInput, resolveOptions } from "../../deploy/k8s/options.js";

/** The commit checked out, which the image is built from and tagged by. */
function gitSha(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** Writes the files, and removes the autoscaler an earlier run wrote when it is no longer asked for. */
function writeGenerated(out: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  const autoscaler = `${manifestsFolder}/autoscaler.yaml`;
  if (!(autoscaler in files)) rmSync(join(out, autoscaler), { force: true });
}

export const command: Command = {
  async run(args, io) {
    if (args.includes("--help") || args.includes("-h")) {
      io.out(usage());
      return 0;
    }
    try {
      const { input, out } = parseK8sArgs(args);
      const tag = input.tag ?? gitSha();
      const options = resolveOptions({ ...input, tag: tag ?? "untagged" }, tag === undefined ? ["no --tag given and no git commit to tag the image by"] : []);
      const files = generate(options, out);
      writeGenerated(out, files);
      for (const path of Object.keys(files)) io.out(`wrote ${join(out, path)}`);
      io.out(`\nnext: docker build -f ${join(out, "Dockerfile")} -t ${options.image}:${options.tag} . && docker push ${options.image}:${options.tag}`);
      io.out(`      kubectl apply -f ${join(out, manifestsFolder)}/ && kubectl rollout status deployment/${options.name}`);
      return 0;
    } catch (error) {
      if (!(error instanceof InvalidK8sInput)) throw error;
      io.err(`jobwrap k8s: refused:\n${error.problems.map((p) => `  - ${p}`).join("\n")}\n\n${usage()}`);
      return 2;
    }
  },
};
