/**
 * The meeting room (`/static/dist/room.js`, loaded on the room page only, after pages.js).
 *
 * It joins the page's quick exit (the same instance as pages.js, through the shared chunk) and
 * registers there what must happen on exit: close the socket, stop speaking, drop the page's
 * room model (chat, private line, topics: page memory only). The wire protocol lives in
 * ../protocol (no DOM code there); the screens in ./ui.
 */

import { languageOf, loadLanguage } from "../i18n";
import { startQuickExit } from "../quick-exit";
import { mountRoom } from "./ui/mount";

// The quick exit first, before any wait: it must work while the room's words are fetched.
const quickExit = startQuickExit();
const root = document.getElementById("room");
if (root) {
  // The room's language (English is bundled; another is one small chunk), then the room:
  // not after a quick exit in the meantime, which must not be followed by a join.
  void loadLanguage(languageOf(root.dataset.language)).then(() => {
    if (!quickExit.hasExited) {
      mountRoom(root, quickExit);
    }
  });
}
