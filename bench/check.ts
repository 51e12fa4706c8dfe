import { deepStrictEqual } from "node:assert/strict";

/** One exchange as a contestant answered it, whatever its platform. */
export interface Answered {
  status: number;
  body: string;
}

export type Send = (method: "GET" | "POST", path: string, body?: string) => Promise<Answered>;

interface Expectation {
  method: "GET" | "POST";
  path: string;
  body?: string;
  status: number;
  /** The JSON the body must hold; error bodies are only required to be JSON. */
  json?: unknown;
}

/**
 * The users service as every contestant must answer it before it is timed. The user
 * `name` is left in the store: the GET load reads `alice`.
 */
const expectations = (name: string): Expectation[] => [
  { method: "POST", path: "/user", body: `{"name":"${name}"}`, status: 201, json: { name } },
  { method: "POST", path: "/user", body: `{"name":"${name}"}`, status: 409 },
  { method: "GET", path: `/user/${name}`, status: 200, json: { name } },
  { method: "GET", path: "/user/nobody", status: 404 },
  { method: "POST", path: "/user", body: '{"name":"al"}', status: 400 },
  { method: "POST", path: "/user", body: '{"nom":"alice"}', status: 400 },
  { method: "GET", path: "/user/a1", status: 400 },
];

/** Throws, naming the contestant and the exchange, unless every answer is right. */
export async function checkService(contestant: string, send: Send, name = "alice"): Promise<void> {
  for (const want of expectations(name)) {
    const got = await send(want.method, want.path, want.body);
    const what = `${contestant}: ${want.method} ${want.path} ${want.body ?? ""}`;
    if (got.status !== want.status) throw new Error(`${what} answered ${got.status}, not ${want.status}: ${got.body}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(got.body);
    } catch {
      throw new Error(`${what} answered a body that is not JSON: ${got.body}`);
    }
    if (want.json !== undefined) deepStrictEqual(parsed, want.json, `${what} answered ${got.body}`);
  }
}

/** A Send over real HTTP. */
export function overHttp(base: string): Send {
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      body,
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    return { status: res.status, body: await res.text() };
  };
}
