// A file of its own: the contract's rows share the users store, fresh in each file.
import { lambdaContract } from "./contract.js";

lambdaContract("alb-multi");
