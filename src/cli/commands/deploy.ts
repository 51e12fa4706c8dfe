import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Command, Io } from "../command.js";
import { defaults, type FunctionUrlMode } from "../../deploy/lambda/options.js";
import type { Pacing } from "../../deploy/lambda/context.js";
import { DeployError } from "../../deploy/lambda/errors.js";
import { buildLambda, defaultOutDir } from "../../deploy/lambda/build.js";

const usage = `usage: jobwrap deploy lambda <entry.ts> | --zip <file.zip>  --name <function> [options]

  --name NAME          the function's name (required)
  --zip FILE           deploy this zip instead of building <entry> with \`jobwrap build lambda\`
  --out DIR            where the build goes (default ${defaultOutDir})
  --handler H          the handler inside the zip (default ${defaults.handler})
  --role ARN           execution role; required when the function does not exist yet
  --region R           AWS region (default: AWS_REGION or the profile's)
  --runtime R          nodejs22.x or later (default ${defaults.runtime})
  --arch A             arm64 or x86_64 (default ${defaults.architecture})
  --memory MB          128 to 10240 (default ${defaults.memory})
  --timeout S          1 to 900 seconds (default ${defaults.timeout})
  --env K=V            an environment variable; repeat for more (the set replaces the old one)
  --alias NAME         the alias traffic goes through (default ${defaults.alias})
  --canary PERCENT     send only this share of the alias's traffic to the new version
  --promote            end a canary: send all of the alias's traffic to the canary version
  --url none|iam|off   a public Function URL, one for signed requests only, or none (default ${defaults.url})
  --url-cors ORIGINS   the Function URL answers CORS itself for these comma-separated origins
                       (instead of the app's cors(), never both); left out, the URL has no CORS
  --endpoint URL       another Lambda API endpoint (LocalStack, tests)

Credentials come from the standard AWS chain: AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, roles.`;

/** The URL goes to `out` (for scripts), progress and errors to `err`. */
interface DeployIo extends Io {
  /** Waiting between polls and retries; tests shorten it. */
  pacing?: Pacing;
}

export const command: Command = {
  run: (args, io) => runDeploy(args, io),
};

class UsageError extends Error {}

export async function runDeploy(args: string[], io: DeployIo): Promise<number> {
  const [platform, ...rest] = args;
  if (platform !== "lambda") {
    io.err(platform === undefined ? usage : `jobwrap deploy: unknown platform ${JSON.stringify(platform)} (known: lambda)\n\n${usage}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(usage);
    return 0;
  }
  let flags: ReturnType<typeof readFlags>;
  try {
    flags = readFlags(rest);
  } catch (error) {
    io.err(`jobwrap deploy lambda: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const lambda = await import("../../deploy/lambda/index.js");
  const progress = (line: string) => io.err(`  ${line}`);
  const connection = { region: flags.region, endpoint: flags.endpoint };
  const pacing = io.pacing ?? lambda.realPacing;
  try {
    if (flags.promote) {
      const result = await lambda.promoteCanary({ name: flags.name, alias: flags.alias }, connection, progress, pacing);
      io.err(`promoted: alias ${flags.alias} of ${flags.name} sends all traffic to version ${result.version}`);
      return 0;
    }
    if (!lambda.nodeRuntimes().includes(flags.runtime as never)) {
      throw new UsageError(`--runtime must be one of ${lambda.nodeRuntimes().join(", ")}`);
    }
    const { zip, handler } = await deploymentZip(flags, progress);
    const result = await lambda.deployLambda(
      { ...flags, runtime: flags.runtime as (typeof defaults)["runtime"], zip, handler: flags.handler ?? handler },
      connection,
      progress,
      pacing,
    );
    io.err(`deployed ${flags.name}: alias ${flags.alias} → version ${result.version}`);
    if (result.url) io.out(result.url);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`jobwrap deploy lambda: ${error.message}\n\n${usage}`);
      return 2;
    }
    io.err(`jobwrap deploy lambda: ${lambda.describeDeployError(error)}`);
    return 1;
  }
}

/** The flags, checked: a mistake here is a usage error, caught before anything reaches AWS. */
function readFlags(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      zip: { type: "string" },
      handler: { type: "string" },
      out: { type: "string" },
      role: { type: "string" },
      region: { type: "string" },
      runtime: { type: "string", default: defaults.runtime },
      arch: { type: "string", default: defaults.architecture },
      memory: { type: "string", default: String(defaults.memory) },
      timeout: { type: "string", default: String(defaults.timeout) },
      env: { type: "string", multiple: true, default: [] },
      alias: { type: "string", default: defaults.alias },
      canary: { type: "string" },
      promote: { type: "boolean", default: false },
      url: { type: "string", default: defaults.url },
      "url-cors": { type: "string" },
      endpoint: { type: "string" },
    },
  });
  if (!values.name) throw new UsageError("--name is required");
  const entry = positionals[0];
  if (positionals.length > 1) throw new UsageError(`one entry file, not ${positionals.length}`);
  if (!values.promote && !entry === !values.zip) throw new UsageError("give either an entry file or --zip, not both or neither");
  if (values.promote && values.canary !== undefined) throw new UsageError("--promote and --canary do not go together");
  if (values.arch !== "arm64" && values.arch !== "x86_64") throw new UsageError("--arch must be arm64 or x86_64");
  if (!["none", "iam", "off"].includes(values.url)) throw new UsageError("--url must be none, iam or off");
  const urlCors = values["url-cors"]?.split(",").map((origin) => origin.trim()).filter(Boolean);
  if (urlCors && values.url === "off") throw new UsageError("--url-cors needs a Function URL: not with --url off");
  if (urlCors?.some((origin) => origin !== "*" && !/^https?:\/\/[^/]+$/.test(origin))) throw new UsageError("--url-cors takes origins such as https://app.example.com");
  return {
    name: values.name,
    entry,
    zipPath: values.zip,
    outDir: values.out ?? defaultOutDir,
    handler: values.handler,
    role: values.role,
    region: values.region,
    endpoint: values.endpoint,
    runtime: values.runtime,
    architecture: values.arch as "arm64" | "x86_64",
    memory: integer("--memory", values.memory, 128, 10240),
    timeout: integer("--timeout", values.timeout, 1, 900),
    env: Object.fromEntries(values.env.map(variable)),
    alias: values.alias,
    canary: values.canary === undefined ? undefined : percent(values.canary),
    promote: values.promote,
    url: values.url as FunctionUrlMode,
    urlCors,
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

function percent(text: string): number {
  const value = Number(text);
  // Lambda takes weights as fractions with up to 5 decimals (a share of 0.001%).
  if (!(value > 0 && value < 100)) throw new UsageError("--canary must be a percentage above 0 and below 100");
  return value;
}

function variable(pair: string): [string, string] {
  const at = pair.indexOf("=");
  if (at < 1) throw new UsageError(`--env takes KEY=VALUE, not ${JSON.stringify(pair)}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** The zip to upload: the one given, or the one `jobwrap build lambda` makes from the entry. */
async function deploymentZip(
  flags: { entry?: string | undefined; zipPath?: string | undefined; outDir: string },
  progress: (line: string) => void,
): Promise<{ zip: Uint8Array; handler: string }> {
  if (flags.zipPath) {
    const zip = await readFile(flags.zipPath).catch(() => {
      throw new DeployError(`cannot read the zip ${flags.zipPath}`);
    });
    return { zip, handler: defaults.handler };
  }
  progress(`building ${flags.entry} (as \`jobwrap build lambda\` does)`);
  const built = await buildLambda({ entry: flags.entry!, outDir: flags.outDir }).catch((error: Error) => {
    throw new DeployError(`build failed: ${error.message}`);
  });
  progress(`built ${built.zip}`);
  return { zip: await readFile(built.zip), handler: built.handler };
}
