import { defineModule } from "../../core/module";
import { userPreferences } from "../../db/schema";
import { settingsRoutes } from "./routes";

/** Member preferences: theme, feed order, language. */
export const settingsModule = defineModule({
  name: "settings",
  routes: [{ path: "/api/v1/settings", router: settingsRoutes }],
  purge: { memberColumns: [userPreferences.userId] },
});
