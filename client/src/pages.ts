/**
 * Loaded on every page (`/static/dist/pages.js`): the styles, the quick exit and the
 * small enhancements. The room page loads room.js as well.
 */

import "./styles/kreds.css";
import { enhance } from "./enhancements";
import { startQuickExit } from "./quick-exit";

// The quick exit first: it must work even if anything after it fails.
startQuickExit();

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => enhance(document), { once: true });
} else {
  enhance(document);
}
