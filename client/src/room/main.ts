/**
 * The meeting room (`/static/dist/room.js`, loaded on the room page only, after pages.js).
 *
 * It joins the page's quick exit (the same instance as pages.js, through the shared chunk) and
 * registers there what must happen on exit: close the socket, stop speaking, drop the page's
 * room model (chat, private line, topics: page memory only). The wire protocol lives in
 * ../protocol (no DOM code there); the screens in ./ui.
 */

import { startQuickExit } from "../quick-exit";
import { mountRoom } from "./ui/mount";

const quickExit = startQuickExit();
const root = document.getElementById("room");
if (root) {
  mountRoom(root, quickExit);
}
