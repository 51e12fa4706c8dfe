// A 50-route table, to measure what typing a table and calling it through the client cost tsc:
//   npx tsc -p test/client/tsconfig.fifty-routes-only.json --extendedDiagnostics   (this table)
//   npx tsc -p test/client/tsconfig.fifty.json --extendedDiagnostics               (+ 50 client calls)
// Both files are also type-checked by `npm run typecheck`.
import * as v from "valibot";
import { job, routes } from "jobwrap";

const Name = v.pipe(v.string(), v.minLength(3), v.maxLength(40), v.regex(/^[a-zA-Z]*$/));
const Item = v.object({ id: v.number(), name: Name, tags: v.array(v.string()), price: v.optional(v.number()) });
const Page = v.object({ page: v.optional(v.pipe(v.string(), v.transform(Number))), sort: v.optional(v.picklist(["name", "date"])) });

export const fifty = routes({
  "GET /r0/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r1": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r2": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r3/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r4/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r5/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r6": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r7": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r8/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r9/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r10/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r11": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r12": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r13/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r14/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r15/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r16": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r17": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r18/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r19/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r20/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r21": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r22": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r23/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r24/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r25/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r26": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r27": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r28/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r29/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r30/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r31": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r32": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r33/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r34/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r35/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r36": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r37": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r38/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r39/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r40/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r41": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r42": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r43/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r44/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
  "GET /r45/:id": job({ params: v.object({ id: v.string() }), responses: { 200: Item, 404: null } }, ({ params }) => ({ body: { id: Number(params.id), name: "abc", tags: [] } })),
  "POST /r46": job({ body: Item, responses: { 201: Item, 409: null } }, ({ body }) => ({ status: 201, body })),
  "GET /r47": job({ query: Page, responses: { 200: v.array(Item) } }, () => ({ body: [] })),
  "PUT /r48/:id": job({ params: v.object({ id: v.string() }), body: v.object({ name: Name }), headers: v.object({ "x-tenant": v.string() }), responses: { 200: Item, 204: null } }, () => ({ status: 204 })),
  "DELETE /r49/:id": job({ params: v.object({ id: v.string() }) }, () => ({})),
});
