import { plainServer } from "../../peers/plain-node.js";
import { listen } from "../listen.js";

listen(plainServer());
