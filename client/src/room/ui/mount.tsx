/** Puts the room on the page: reads `<div id="room" data-…>`, connects, renders, and cleans up on exit. */

import { render } from "preact";
import { languageOf, loadLanguage } from "../../i18n";
import { RoomConnection } from "../../protocol/connection";
import type { Role } from "../../protocol/events";
import type { QuickExit } from "../../quick-exit";
import { connectRoom } from "../controller";
import { RoomMedia, type SessionFactory, browserCanChooseSpeakers } from "../media";
import { type Me, RoomStore } from "../model";
import type { Announcement } from "../changes";
import { Announcer } from "./announcer";
import { App } from "./App";
import { type RoomApi, RoomContext } from "./context";
import { readHelpLines } from "./HelpLines";
import { keepRoomOnLanguageChange, switchLanguage } from "./language";
import { say, setLanguage } from "./text";

const ROLES: readonly Role[] = ["facilitator", "co_facilitator", "participant"];

export function readMe(data: DOMStringMap): Me {
  const role = ROLES.find((r) => r === data.role) ?? "participant";
  return { userId: Number(data.userId), name: data.displayName ?? "", role };
}

function liveRegion(doc: Document, id: string, assertive: boolean): HTMLElement {
  const region = doc.createElement("div");
  region.id = id;
  region.className = "visually-hidden";
  region.setAttribute("role", assertive ? "alert" : "status");
  region.setAttribute("aria-live", assertive ? "assertive" : "polite");
  region.setAttribute("aria-atomic", "false");
  return region;
}

/** The page's connection (tests give a fake socket). */
export type ConnectionFactory = (meetingId: number) => RoomConnection;

/**
 * Whether the page was reached with Back or Forward. After a quick exit, Back leads to the
 * meeting's page, which sends someone who accepted the agreement on to the room: then the room
 * must not connect (and put the person in the lobby) by itself.
 */
export function arrivedThroughHistory(view: Window | null): boolean {
  const entries = view?.performance?.getEntriesByType?.("navigation") ?? [];
  const entry = entries[0] as PerformanceNavigationTiming | undefined;
  return entry?.type === "back_forward";
}

export interface MountOptions {
  /** The person's media session (tests give one over fake browser objects). */
  media?: SessionFactory;
}

export function mountRoom(
  root: HTMLElement,
  quickExit: QuickExit,
  connect: ConnectionFactory = (meetingId) => new RoomConnection(meetingId),
  options: MountOptions = {},
): RoomStore {
  const doc = root.ownerDocument;
  const data = root.dataset;
  setLanguage(data.language);
  const me = readMe(data);
  const store = new RoomStore(me);
  const connection = connect(Number(data.meetingId));

  const container = doc.createElement("div");
  container.className = "room-mount";
  const polite = liveRegion(doc, "room-live", false);
  const assertive = liveRegion(doc, "room-alert", true);
  root.replaceChildren(container, polite, assertive);
  const announcer = new Announcer(polite, assertive);
  const speak = (announcement: Announcement): void => announcer.say(say(announcement), announcement);
  // Sound and picture open once the person is admitted (./media.ts).
  const media = new RoomMedia({
    me,
    store,
    connection,
    speak,
    canChooseSpeakers: browserCanChooseSpeakers(),
    ...(options.media ? { createSession: options.media } : {}),
  });

  // Asks before a reload or an accidental close while the person is in the lobby or the room
  // (never on the quick exit, which takes the guard down first). Not when they tap a help line's
  // number: the phone takes the call and the page stays, and some browsers would ask "Leave
  // site?" first, between the person and the call.
  const view = doc.defaultView;
  let dialledAt = Number.NEGATIVE_INFINITY;
  const noteDialling = (event: Event): void => {
    const target = event.target;
    if (target instanceof Element && target.closest('a[href^="tel:"]')) {
      dialledAt = Date.now();
    }
  };
  const guard = (event: BeforeUnloadEvent): void => {
    const kind = store.get().screen.kind;
    if ((kind === "lobby" || kind === "room") && Date.now() - dialledAt > 1000) {
      event.preventDefault();
      event.returnValue = "";
    }
  };
  doc.addEventListener("click", noteDialling, true);
  view?.addEventListener("beforeunload", guard);
  quickExit.onExit(() => {
    view?.removeEventListener("beforeunload", guard);
    doc.removeEventListener("click", noteDialling, true);
  });

  // In order of importance: leave the meeting, stop the camera and the microphone (and close
  // every peer connection), stop speaking, forget what was said.
  quickExit.onExit(() => connection.leaveQuickly());
  quickExit.onExit(() => media.close());
  quickExit.onExit(() => announcer.stop());
  quickExit.onExit(() => render(null, container));
  quickExit.forgetOnExit(store);

  connectRoom(connection, store, speak);
  const viaHistory = arrivedThroughHistory(doc.defaultView);
  if (viaHistory) {
    // "You left the meeting", with "Go back in": joining again is the person's choice.
    store.dispatch({ type: "left" });
  }

  let api: RoomApi;
  const draw = (): void =>
    render(
      <RoomContext.Provider value={api}>
        <App />
      </RoomContext.Provider>,
      container,
    );
  const changeLanguage = async (language: string): Promise<void> => {
    // The new words first, so that the room never renders half in English.
    await loadLanguage(languageOf(language));
    await switchLanguage(doc, language, (chosen) => {
      setLanguage(chosen);
      root.dataset.language = chosen;
      api = { ...api };
      draw();
    });
  };
  const stopLanguage = keepRoomOnLanguageChange(doc, changeLanguage);
  quickExit.onExit(stopLanguage);

  api = {
    store,
    send: (event, payload) => connection.send(event, payload),
    leave: () => {
      void connection.leave().finally(() => store.dispatch({ type: "left" }));
    },
    retry: () => doc.defaultView?.location.reload(),
    links: {
      dashboard: data.dashboardUrl ?? "/",
      entry: data.entryUrl ?? "/",
      safety: data.safetyUrl ?? "/",
    },
    title: data.title ?? "",
    media,
    switchLanguage: changeLanguage,
    // Read once: the page gives them beside the room's element.
    helpLines: readHelpLines(doc.getElementById("help-lines")?.textContent),
  };
  draw();
  if (!viaHistory) {
    void connection.join();
  }
  return store;
}
