import { fastifyApp } from "../../peers/fastify-app.js";
import { announce, host, port } from "../listen.js";

void fastifyApp().listen({ port, host }).then(announce);
