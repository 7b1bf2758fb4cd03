/**
 * Loaded on every page (`/static/dist/pages.js`): the styles, the quick exit and the
 * small enhancements. The room page loads room.js as well.
 */

import "./styles/kreds.css";
// After the base styles, so that they can build on it: the room's stage and panels, the
// facilitator's attention marks, and form errors.
import "./styles/stage.css";
import "./styles/attention.css";
import "./styles/forms.css";
import { enhance } from "./enhancements";
import { loadLanguage, pageLanguage } from "./i18n";
import { startQuickExit } from "./quick-exit";

// The quick exit first: it must work even if anything after it fails.
startQuickExit();

// The few words script adds here ("Copied") are shown on clicks only: the page's language can
// arrive in the background (until then they are English).
void loadLanguage(pageLanguage());

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => enhance(document), { once: true });
} else {
  enhance(document);
}
