// A worker whose log sink throws: the one failure handle() cannot answer itself.
import { job } from "jobwrap";
import { wrap } from "jobwrap/workers";

export default wrap(job({}, () => ({ body: "ok" })), {
  log: () => {
    throw new Error("the log sink is down");
  },
});
