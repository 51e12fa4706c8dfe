// Fastify 5 with its own JSON body parser, the body checked by the same valibot schema.
import Fastify from "fastify";
import * as v from "valibot";
import { announce, host, port } from "../../node/listen.js";
import { Order, summary } from "../order.js";

const app = Fastify({ logger: false });
app.post("/orders", async (req, reply) => {
  const checked = v.safeParse(Order, req.body);
  if (!checked.success) return reply.code(400).send({ status: 400 });
  return reply.code(201).send(summary(checked.output));
});
void app.listen({ port, host }).then(announce);
