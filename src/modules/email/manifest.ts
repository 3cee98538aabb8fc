import { defineModule } from "../../core/module";
import { emailConsumer } from "./consumer";

/** Email delivery through the configured provider, and the templates. */
export const emailModule = defineModule({
  name: "email",
  consumers: [emailConsumer],
});
