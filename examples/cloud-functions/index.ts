// The users service as a Google Cloud Function named `users`: `npm start` serves it here on
// PORT (8080), `gcloud functions deploy users …` runs it on Google Cloud (README.md).
import { register } from "jobwrap/cloud-functions";
import { api } from "../users/index.js";

register("users", api);
