// The users service as a Google Cloud Function named `users`: `npm start` serves it here on
// PORT (8080), `gcloud functions deploy users …` runs it on Google Cloud (README.md).
// With USERS_COLLECTION set the users live in that Firestore collection, else in memory.
import { register } from "jobwrap/cloud-functions";
import { firestoreFromEnv } from "../users/firestore.js";
import { api } from "../users/index.js";

firestoreFromEnv();
register("users", api);
