export { handler } from "../../peers/plain-lambda.js";
