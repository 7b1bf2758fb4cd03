/**
 * The meeting room (`/static/dist/room.js`, loaded on the room page only, after pages.js).
 *
 * For now a stub that shows nothing: it joins the page's quick exit (the same instance as
 * pages.js, through the shared chunk), where the room will register its cleanup — close
 * the socket, stop camera and microphone tracks, close peer connections — and its state,
 * which is forgotten on exit. The wire protocol lives in ../protocol (no DOM code there).
 */

import { startQuickExit } from "../quick-exit";

const quickExit = startQuickExit();

/** The room's in-memory state (never the browser's storage), dropped on quick exit. */
const roomState = new Map<string, unknown>();
quickExit.forgetOnExit(roomState);
