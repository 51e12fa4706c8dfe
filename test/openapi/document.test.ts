// The OpenAPI document of the users example and of a table that uses every part a spec can
// name, each checked by a real OpenAPI 3.1 validator.
import { Validator } from "@seriousme/openapi-schema-validator";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { bearer, job, multipart, routes, secured } from "jobwrap";
import { openapi, type OpenApiDocument } from "jobwrap/openapi";
import { api, User, UserName } from "../../examples/users/index.js";

async function expectValid(doc: OpenApiDocument): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(doc as unknown as Record<string, unknown>);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
}

const nameLimits = { type: "string", minLength: 3, maxLength: 40, pattern: "^[a-zA-Z]*$" };

describe("openapi(users example)", () => {
  // Made in each test, not once for the file: what a test checks is then made while it runs.
  const usersDoc = () => openapi(api, { info: { title: "users", version: "1.0.0" } });

  it("validates as OpenAPI 3.1, with a validator that does refuse a broken document", async () => {
    const doc = usersDoc();
    await expectValid(doc);
    const broken = { ...doc, paths: { "/user/{name}": { get: { responses: { "200": {} } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("turns /user/:name into /user/{name}, a required path parameter with the name's limits", () => {
    const doc = usersDoc();
    expect(Object.keys(doc.paths)).toEqual(["/user", "/user/{name}", "/user/{name}/avatar"]);
    const get = doc.paths["/user/{name}"]!.get as Record<string, any>;
    expect(get.operationId).toBe("getUserByName");
    expect(get.parameters).toEqual([{ name: "name", in: "path", required: true, schema: nameLimits }]);
  });

  it("documents the JSON body, the declared 201 User and the declared 409", () => {
    const doc = usersDoc();
    const post = doc.paths["/user"]!.post as Record<string, any>;
    expect(post.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { type: "object", properties: { name: nameLimits }, required: ["name"] } } },
    });
    expect(post.responses["201"]).toEqual({
      description: "Created",
      content: { "application/json": { schema: { type: "object", properties: { name: nameLimits }, required: ["name"] } } },
    });
    expect(post.responses["409"]).toEqual({ $ref: "#/components/responses/Problem409" });
    expect(doc.components.responses.Problem409).toMatchObject({ description: "Conflict" });
  });

  it("lists the problem+json errors core answers: 400 with errors, 404, 405, 413, 415, 500", () => {
    const doc = usersDoc();
    const post = doc.paths["/user"]!.post as Record<string, any>;
    const get = doc.paths["/user/{name}"]!.get as Record<string, any>;
    expect(Object.keys(post.responses)).toEqual(["201", "400", "404", "405", "409", "413", "415", "500"]);
    // No body, so no 413 or 415; no timeout, so no 504.
    expect(Object.keys(get.responses)).toEqual(["200", "400", "404", "405", "500"]);
    const problem = doc.components.responses.Problem400 as Record<string, any>;
    expect(problem.content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/Problem" });
    const schema = doc.components.schemas.Problem as Record<string, any>;
    expect(schema.required).toEqual(["type", "title", "status"]);
    expect(schema.properties.errors.items.required).toEqual(["pointer", "detail"]);
    expect((doc.components.responses.Problem405 as Record<string, any>).headers.Allow).toBeDefined();
    // Each response's example is the problem core writes for its status, not one made from the
    // shared schema (where a 404 would show status 400 and field errors).
    const example = (status: number) => (doc.components.responses[`Problem${status}`] as Record<string, any>).content["application/problem+json"].example;
    expect(example(404)).toEqual({ type: "about:blank", title: "Not Found", status: 404, requestId: expect.any(String) });
    expect(example(400)).toMatchObject({ status: 400, errors: [{ pointer: "/body/name", detail: expect.any(String) }] });
  });

  it("documents the avatar upload as a multipart body with a binary file field, behind the bearer scheme", () => {
    const doc = usersDoc();
    const put = doc.paths["/user/{name}/avatar"]!.put as Record<string, any>;
    expect(put.requestBody).toEqual({
      required: true,
      content: { "multipart/form-data": { schema: { type: "object", properties: { avatar: { type: "string", format: "binary" } }, required: ["avatar"] } } },
    });
    expect(put.security).toEqual([{ token: [] }]);
    expect(Object.keys(put.responses)).toEqual(["204", "400", "401", "404", "405", "413", "415", "500"]);
    expect(doc.components.securitySchemes).toEqual({ token: { type: "http", scheme: "bearer" } });
    const get = doc.paths["/user/{name}/avatar"]!.get as Record<string, any>;
    expect(get.security).toEqual([{ token: [] }]);
    expect(get.responses["200"]).toEqual({ description: "OK", content: { "application/octet-stream": {} } });
    expect((doc.paths["/user"]!.post as Record<string, any>).security).toBeUndefined();
  });

  it("names schemas as components and references them when asked", async () => {
    const named = openapi(api, { schemas: { User, UserName } });
    await expectValid(named);
    expect(named.components.schemas.UserName).toEqual(nameLimits);
    const post = named.paths["/user"]!.post as Record<string, any>;
    expect(post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/User" });
    const get = named.paths["/user/{name}"]!.get as Record<string, any>;
    expect(get.parameters[0].schema).toEqual({ $ref: "#/components/schemas/UserName" });
  });
});

describe("openapi(every part a spec names)", () => {
  const Page = v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number));
  const table = routes({
    "GET /items": job(
      {
        query: v.object({ page: v.optional(Page), sort: v.picklist(["name", "date"]), q: v.optional(v.pipe(v.string(), v.maxLength(20))) }),
        headers: v.object({ "x-tenant": v.pipe(v.string(), v.uuid()), accept: v.optional(v.string()) }),
        cookies: v.object({ session: v.pipe(v.string(), v.minLength(16)), theme: v.optional(v.picklist(["light", "dark"])) }),
        responses: { 200: v.array(v.object({ id: v.pipe(v.number(), v.integer()), at: v.pipe(v.string(), v.isoTimestamp()) })) },
      },
      () => ({ body: [] }),
      { summary: "List the items", timeout: 1000 },
    ),
    "POST /items": job(
      { body: v.object({ email: v.pipe(v.string(), v.email()), n: v.pipe(v.string(), v.transform(Number), v.check((n) => n > 0)) }) },
      () => ({ status: 202 }),
      { accept: ["json", "form"] },
    ),
    "PUT /notes/:id{[0-9]+}": job({ body: v.string() }, () => ({}), { accept: "text" }),
    "PUT /blobs/:id": job({ body: v.instance(Uint8Array), responses: { 200: v.instance(Uint8Array), 204: null } }, () => ({}), { accept: "bytes" }),
    "GET /pages/:page?": job({ body: v.optional(v.object({ x: v.string() })) }, () => ({})),
    "ALL /any": job({ responses: { 422: v.object({ hint: v.string() }) } }, () => ({})),
  });
  const tableDoc = () => openapi(table, { timeout: undefined });

  it("validates, transforms and checks included", async () => {
    const doc = tableDoc();
    await expectValid(doc);
  });

  it("reads queries, headers and cookies from the schemas: enums, formats, lengths, required-ness", () => {
    const doc = tableDoc();
    const get = doc.paths["/items"]!.get as Record<string, any>;
    expect(get.summary).toBe("List the items");
    expect(get.parameters).toEqual([
      { name: "page", in: "query", required: false, schema: { type: "string", pattern: "^\\d+$" } },
      { name: "sort", in: "query", required: true, schema: { enum: ["name", "date"], type: "string" } },
      { name: "q", in: "query", required: false, schema: { type: "string", maxLength: 20 } },
      // `accept` is left out: OpenAPI ignores a header parameter by that name.
      { name: "x-tenant", in: "header", required: true, schema: { type: "string", format: "uuid" } },
      { name: "session", in: "cookie", required: true, schema: { type: "string", minLength: 16 } },
      { name: "theme", in: "cookie", required: false, schema: { enum: ["light", "dark"], type: "string" } },
    ]);
    expect(get.responses["200"].content["application/json"].schema.items.properties).toEqual({
      id: { type: "integer" },
      at: { type: "string", format: "date-time" },
    });
    // Its own timeout: a 504 may come.
    expect(Object.keys(get.responses)).toContain("504");
  });

  it("gives the body in each media type the job accepts", () => {
    const doc = tableDoc();
    const post = (doc.paths["/items"]!.post as Record<string, any>).requestBody;
    expect(Object.keys(post.content)).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    expect(post.content["application/json"].schema.properties).toEqual({
      email: { type: "string", format: "email" },
      n: { type: "string" },
    });
    const note = doc.paths["/notes/{id}"]!.put as Record<string, any>;
    expect(note.requestBody.content).toEqual({ "text/plain": { schema: { type: "string" } } });
    expect(note.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]+$" } }]);
    const blob = doc.paths["/blobs/{id}"]!.put as Record<string, any>;
    expect(blob.requestBody.content).toEqual({ "application/octet-stream": {} });
    expect(blob.responses["200"]).toEqual({ description: "OK", content: { "application/octet-stream": {} } });
    expect(blob.responses["204"]).toEqual({ description: "No Content" });
  });

  it("documents an optional parameter as two paths, an optional body as not required", () => {
    const doc = tableDoc();
    expect(doc.paths["/pages"]!.get).toMatchObject({ operationId: "getPages", requestBody: { required: false } });
    expect(doc.paths["/pages/{page}"]!.get).toMatchObject({ operationId: "getPagesByPage" });
  });

  it("documents ALL under each method, undeclared successes as 2XX, and a problem's extension members", () => {
    const doc = tableDoc();
    const any = doc.paths["/any"]!;
    expect(Object.keys(any)).toEqual(["get", "post", "put", "patch", "delete"]);
    const responses = (any.get as Record<string, any>).responses;
    expect(responses["2XX"]).toBeDefined();
    expect(responses["422"].content["application/problem+json"].schema).toEqual({
      allOf: [{ $ref: "#/components/schemas/Problem" }, { type: "object", properties: { hint: { type: "string" } }, required: ["hint"] }],
    });
  });

  it("documents a single job as answering /", async () => {
    const single = openapi(job({ query: v.object({ q: v.string() }) }, () => ({})), { timeout: 50 });
    await expectValid(single);
    expect(Object.keys(single.paths["/"]!)).toEqual(["get", "post", "put", "patch", "delete"]);
    expect(Object.keys((single.paths["/"]!.get as Record<string, any>).responses)).toContain("504");
  });
});

describe("each openapi() call", () => {
  const problemSchema = {
    type: "object",
    description: "An RFC 9457 problem: what went wrong, in a shape every route shares.",
    properties: {
      type: { type: "string", description: "A URI naming the problem type; `about:blank` when the status says it all." },
      title: { type: "string", description: "The status phrase, or a short summary of the problem type." },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string", description: "What went wrong with this request." },
      instance: { type: "string" },
      requestId: { type: "string", description: "Quote it when reporting a problem; it is in the logs too." },
      errors: {
        type: "array",
        description: "For a 400: each part of the request a schema refused.",
        items: {
          type: "object",
          properties: {
            pointer: { type: "string", description: "A JSON pointer from the request's parts: `/body/name`, `/query/page`." },
            detail: { type: "string" },
          },
          required: ["pointer", "detail"],
        },
      },
    },
    required: ["type", "title", "status"],
  };

  it("names the Problem schema every problem response references, with each member core writes", () => {
    expect(openapi(api).components.schemas.Problem).toEqual(problemSchema);
  });

  it("gives a document of its own: changing one leaves the Problem schema and security schemes of the next as they were", () => {
    const first = openapi(api);
    const problem = first.components.schemas.Problem as Record<string, any>;
    problem.description = "changed";
    problem.properties.code = { type: "string" };
    (first.components.securitySchemes!.token as Record<string, unknown>).description = "changed";
    const second = openapi(api);
    expect(second.components.schemas.Problem).toEqual(problemSchema);
    expect(second.components.securitySchemes).toEqual({ token: { type: "http", scheme: "bearer" } });
  });
});

describe("openapi(what each kind of route and option adds)", () => {
  const op = (doc: OpenApiDocument, path: string, method = "get") => doc.paths[path]![method] as Record<string, any>;
  const problems = ["400", "404", "405", "500"].map((status) => [status, { $ref: `#/components/responses/Problem${status}` }]);

  it("names each operation from its method and path words, and documents an optional parameter at the root as / and /{page}", () => {
    const doc = openapi(
      routes({
        "GET /user-profile/:user_id": job({}, () => ({})),
        "GET /:page?": job({}, () => ({})),
        "DELETE /files/:name{[a-z]+\\.txt}": job({}, () => ({})),
      }),
    );
    expect(Object.keys(doc.paths)).toEqual(["/user-profile/{user_id}", "/", "/{page}", "/files/{name}"]);
    expect([op(doc, "/user-profile/{user_id}"), op(doc, "/"), op(doc, "/{page}"), op(doc, "/files/{name}", "delete")].map((o) => o.operationId)).toEqual([
      "getUserProfileByUserId",
      "get",
      "getByPage",
      "deleteFilesByName",
    ]);
    // A parameter the job's schemas do not name is a string, with the route's pattern when it has one.
    expect(op(doc, "/user-profile/{user_id}").parameters).toEqual([{ name: "user_id", in: "path", required: true, schema: { type: "string" } }]);
    expect(op(doc, "/files/{name}", "delete").parameters).toEqual([{ name: "name", in: "path", required: true, schema: { type: "string", pattern: "^[a-z]+\\.txt$" } }]);
    // Nothing to list: no parameters, no body, no security; any success, as 2XX.
    expect(op(doc, "/")).toEqual({ operationId: "get", responses: Object.fromEntries([...problems, ["2XX", { description: "The job's result (its responses are not declared)." }]]) });
  });

  it("gives a parameter the description its schema has, and the summary and description of the job", () => {
    const doc = openapi(
      job({ query: v.object({ q: v.pipe(v.string(), v.description("What to find")), n: v.optional(v.string()) }) }, () => ({}), { summary: "Find", description: "Finds what `q` names." }),
    );
    const get = op(doc, "/");
    expect([get.summary, get.description]).toEqual(["Find", "Finds what `q` names."]);
    expect(get.parameters).toEqual([
      { name: "q", in: "query", required: true, schema: { type: "string", description: "What to find" }, description: "What to find" },
      { name: "n", in: "query", required: false, schema: { type: "string" } },
    ]);
  });

  it("lists no parameters for a part whose schema is not an object of named members", () => {
    const doc = openapi(routes({ "GET /any": job({ query: v.any(), headers: v.record(v.string(), v.string()) }, () => ({})) }));
    expect(op(doc, "/any").parameters).toBeUndefined();
  });

  it("describes each declared status: its phrase (Success or Redirect without one), text for a string, JSON otherwise; an error's schema extends the problem", () => {
    const doc = openapi(
      routes({
        "GET /r": job(
          {
            responses: {
              200: v.string(),
              201: v.object({ at: v.string() }),
              202: v.instance(Date),
              299: v.object({ a: v.string() }),
              399: null,
              400: v.object({ hint: v.string() }),
              404: null,
            },
          },
          () => ({ status: 399 }),
        ),
      }),
    );
    const responses = op(doc, "/r").responses;
    expect(responses).toEqual({
      200: { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
      201: { description: "Created", content: { "application/json": { schema: { type: "object", properties: { at: { type: "string" } }, required: ["at"] } } } },
      202: { description: "Accepted", content: { "application/json": { schema: {} } } },
      299: { description: "Success", content: { "application/json": { schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } } } },
      399: { description: "Redirect" },
      400: {
        description: "The request is malformed (percent-encoding, JSON) or a schema refused a part; `errors` lists each field.",
        content: {
          "application/problem+json": {
            schema: { allOf: [{ $ref: "#/components/schemas/Problem" }, { type: "object", properties: { hint: { type: "string" } }, required: ["hint"] }] },
          },
        },
      },
      404: { $ref: "#/components/responses/Problem404" },
      405: { $ref: "#/components/responses/Problem405" },
      500: { $ref: "#/components/responses/Problem500" },
    });
    // The declared 400 is the job's own: the shared one is not needed.
    expect(Object.keys(doc.components.responses)).toEqual(["Problem404", "Problem405", "Problem500"]);
  });

  it("documents a body as optional for each schema that lets it be left out, and as required otherwise", () => {
    const bodies = {
      optional: v.optional(v.string()),
      nullish: v.nullish(v.string()),
      undefinedable: v.undefinedable(v.string()),
      exactOptional: v.exactOptional(v.string()),
      undefined: v.undefined(),
      any: v.any(),
      unknown: v.unknown(),
      nullable: v.nullable(v.string()),
      string: v.string(),
      object: v.object({}),
    };
    const doc = openapi(routes(Object.fromEntries(Object.entries(bodies).map(([name, body]) => [`POST /${name}`, job({ body }, () => ({}))]))));
    expect(Object.fromEntries(Object.keys(bodies).map((name) => [name, op(doc, `/${name}`, "post").requestBody.required]))).toEqual({
      optional: false,
      nullish: false,
      undefinedable: false,
      exactOptional: false,
      undefined: false,
      any: false,
      unknown: false,
      nullable: true,
      string: true,
      object: true,
    });
  });

  it("gives info its defaults, a description and servers only when given, and the shared problems in status order", () => {
    // The first operation uses 504, the second 401, 413 and 415: listed in status order all the same.
    const app = routes({
      "GET /a": job({}, () => ({}), { timeout: 10 }),
      "POST /b": job({ body: v.string(), k: bearer() }, () => ({})),
    });
    const plain = openapi(app);
    expect(plain.info).toEqual({ title: "API", version: "0.0.0" });
    expect("servers" in plain).toBe(false);
    expect(Object.keys(plain.components.responses)).toEqual(["Problem400", "Problem401", "Problem404", "Problem405", "Problem413", "Problem415", "Problem500", "Problem504"]);
    const full = openapi(app, { info: { title: "T", version: "1", description: "About T" }, servers: [{ url: "https://api.example.test", description: "live" }] });
    expect(full.info).toEqual({ title: "T", version: "1", description: "About T" });
    expect(full.servers).toEqual([{ url: "https://api.example.test", description: "live" }]);
    expect(openapi(app, { info: { description: "" } }).info).toEqual({ title: "API", version: "0.0.0" });
  });

  it("lists security schemes only when a job has one; the same scheme in two jobs once; two schemes by one name are refused", () => {
    expect("securitySchemes" in openapi(job({}, () => ({}))).components).toBe(false);
    const twice = openapi(routes({ "GET /a": job({ token: bearer() }, () => ({})), "GET /b": job({ token: bearer(() => true) }, () => ({})) }));
    expect(twice.components.securitySchemes).toEqual({ token: { type: "http", scheme: "bearer" } });
    expect([op(twice, "/a").security, op(twice, "/b").security]).toEqual([[{ token: [] }], [{ token: [] }]]);
    const key = secured(async () => "k", { type: "apiKey", in: "header", name: "x-key" });
    expect(() => openapi(routes({ "GET /a": job({ token: bearer() }, () => ({})), "GET /b": job({ token: key }, () => ({})) }))).toThrow(
      new TypeError('two security schemes are named "token"'),
    );
    // Two schemes, both required: one requirement naming both.
    const both = openapi(routes({ "GET /c": job({ token: bearer(), key }, () => ({})) }));
    expect(op(both, "/c").security).toEqual([{ token: [], key: [] }]);
  });

  it("gives each shared problem response its meaning, the problem core writes as example, and the 405's Allow header", () => {
    const doc = openapi(routes({ "POST /b": job({ body: v.string() }, () => ({})) }));
    const response = (status: number) => doc.components.responses[`Problem${status}`] as Record<string, any>;
    expect(response(400)).toEqual({
      description: "The request is malformed (percent-encoding, JSON) or a schema refused a part; `errors` lists each field.",
      content: {
        "application/problem+json": {
          schema: { $ref: "#/components/schemas/Problem" },
          example: {
            type: "about:blank",
            title: "Bad Request",
            status: 400,
            requestId: "5f0c6b0e-8d3e-4a8e-9c1b-2f4d7a9e3c10",
            errors: [{ pointer: "/body/name", detail: "Invalid length: Expected >=3 but received 2" }],
          },
        },
      },
    });
    expect(response(405).headers).toEqual({ Allow: { description: "The methods the path answers.", schema: { type: "string" } } });
    expect(response(415).headers).toBeUndefined();
    expect(response(415).content["application/problem+json"].example).toEqual({
      type: "about:blank",
      title: "Unsupported Media Type",
      status: 415,
      requestId: "5f0c6b0e-8d3e-4a8e-9c1b-2f4d7a9e3c10",
    });
  });
});

describe("openapi(what the schemas say, in detail)", () => {
  const op = (doc: OpenApiDocument, path: string, method = "get") => doc.paths[path]![method] as Record<string, any>;

  it("describes each shared problem response by what core answers it for", () => {
    const doc = openapi(routes({ "POST /b": job({ body: v.string(), k: bearer() }, () => ({})) }), { timeout: 5 });
    expect(Object.fromEntries(Object.entries(doc.components.responses).map(([name, response]) => [name, (response as { description: string }).description]))).toEqual({
      Problem400: "The request is malformed (percent-encoding, JSON) or a schema refused a part; `errors` lists each field.",
      Problem401: "The credentials are missing or not valid; `WWW-Authenticate` says which scheme.",
      Problem404: "No route matches the path, or the job found nothing there.",
      Problem405: "The path exists but not for this method; the `Allow` header lists those that do.",
      Problem413: "The body is larger than the limit.",
      Problem415: "The body is of a media type this operation does not read.",
      Problem500: "The job failed; the problem carries a request id to quote, and nothing of the failure.",
      Problem504: "The job did not answer within its deadline.",
    });
  });

  it("leaves out the headers OpenAPI ignores (Accept, Content-Type, Authorization, any case), and keys nothing the job does not give", () => {
    const doc = openapi(
      routes({
        "GET /h": job({ headers: v.object({ "Content-Type": v.string(), Authorization: v.string(), ACCEPT: v.string(), "x-id": v.string() }), query: undefined }, () => ({})),
      }),
    );
    const get = op(doc, "/h");
    expect(get.parameters).toStrictEqual([{ name: "x-id", in: "header", required: true, schema: { type: "string" } }]);
    expect(Object.keys(get)).toEqual(["operationId", "parameters", "responses"]);
  });

  it("reads the parameters of a part whose schema is named, from its component", () => {
    const Query = v.object({ q: v.string(), page: v.optional(v.string()) });
    const doc = openapi(routes({ "GET /find": job({ query: Query }, () => ({})) }), { schemas: { Query } });
    expect(op(doc, "/find").parameters).toStrictEqual([
      { name: "q", in: "query", required: true, schema: { type: "string" } },
      { name: "page", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(doc.components.schemas.Query).toEqual({ type: "object", properties: { q: { type: "string" }, page: { type: "string" } }, required: ["q"] });
  });

  it("documents what a client sends: a query before its transform, a blob as a binary string, a tuple in JSON Schema 2020-12", () => {
    const doc = openapi(
      routes({
        "GET /p": job({ query: v.object({ page: v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(1)) }) }, () => ({})),
        "PUT /f": job({ body: v.object({ photo: v.blob(), pair: v.tuple([v.string(), v.number()]) }) }, () => ({}), { accept: multipart() }),
      }),
    );
    expect(op(doc, "/p").parameters).toStrictEqual([{ name: "page", in: "query", required: true, schema: { type: "string" } }]);
    expect(op(doc, "/f", "put").requestBody.content["multipart/form-data"].schema.properties).toEqual({
      photo: { type: "string", format: "binary" },
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], minItems: 2 },
    });
  });

  it("names a path of several words by each of them", () => {
    const doc = openapi(routes({ "GET /users/active/:id": job({}, () => ({})) }));
    expect(op(doc, "/users/active/{id}").operationId).toBe("getUsersActiveById");
  });
});
