// A cold start as Lambda has one: a new node process imports the bundled handler and
// answers one event. Exits 0 only if the answer is the expected 201.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { contextOf, type Handler, type LambdaEvent } from "./events.js";

const [bundle, eventFile] = process.argv.slice(2) as [string, string];
const event = JSON.parse(readFileSync(eventFile, "utf8")) as LambdaEvent;
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const result = await handler(event, contextOf("c0ffee00-0000-4000-8000-000000000000"));
process.exitCode = result.statusCode === 201 ? 0 : 1;
