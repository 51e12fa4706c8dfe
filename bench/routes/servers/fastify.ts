import { announce, host, port } from "../../node/listen.js";
import { fastifyWithTable } from "../apps.js";

void fastifyWithTable().listen({ port, host }).then(announce);
