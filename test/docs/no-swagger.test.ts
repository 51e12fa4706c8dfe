// serve(app, { docs: true }) where the optional swagger-ui-dist is not installed (here: cannot be
// resolved from jobwrap's code): the document is still answered, the page's paths are a 500
// problem saying so, and one WARNING names the package to install.
import { describe, expect, it, vi } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { serve } from "jobwrap/node";

vi.mock("node:module", async (original) => {
  const actual = await original<typeof import("node:module")>();
  const createRequire: typeof actual.createRequire = (from) => {
    const require = actual.createRequire(from);
    const resolve = (id: string, options?: { paths?: string[] }) => {
      if (id.startsWith("swagger-ui-dist")) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
      return require.resolve(id, options);
    };
    return Object.assign((id: string) => require(id), require, { resolve: Object.assign(resolve, { paths: require.resolve.paths }) }) as NodeJS.Require;
  };
  return { ...actual, createRequire, default: { ...actual, createRequire } };
});

const app = routes({ "GET /up": job({}, () => ({ body: "up" })) });

describe("docs without swagger-ui-dist", () => {
  it("answer the document, a 500 problem at the page and each asset, and log one WARNING naming the package", async () => {
    const logs: LogEntry[] = [];
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), docs: { path: "/reference" } });
    try {
      const { url } = await served.ready;
      const document = await fetch(`${url}/openapi.json`);
      expect([document.status, document.headers.get("content-type")]).toEqual([200, "application/json"]);
      expect(Object.keys((await document.json()).paths)).toEqual(["/up"]);
      for (const path of ["/reference", "/reference/", "/reference/swagger-ui.css", "/reference/swagger-ui-bundle.js", "/reference/init.js"]) {
        const answer = await fetch(url + path);
        expect([answer.status, answer.headers.get("content-type")], path).toEqual([500, "application/problem+json"]);
        expect(await answer.json(), path).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "The API docs page is not installed on this server" });
      }
      expect(logs.filter((entry) => entry.severity !== "INFO")).toEqual([
        { severity: "WARNING", message: "the docs page /reference needs swagger-ui-dist (npm install swagger-ui-dist); /openapi.json is served without it" },
      ]);
      expect(await (await fetch(`${url}/up`)).text()).toBe("up");
    } finally {
      await served.drain();
    }
  });
});
