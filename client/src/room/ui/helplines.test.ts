import { afterEach, describe, expect, it, vi } from "vitest";
import { RoomConnection, type RoomSocket } from "../../protocol/connection";
import { QuickExit } from "../../quick-exit";
import { PARTICIPANT } from "../samples";
import { type HelpLine, readHelpLines } from "./HelpLines";
import { mountRoom } from "./mount";
import { type Rendered, headings, renderRoom } from "./testing";

const LINES: HelpLine[] = [
  {
    name: "Lev Uden Vold – national hotline om vold",
    number: "1888",
    dial: "1888",
    hours: "Døgnåben, gratis og anonym",
    languages: "Dansk, English",
    note: "",
  },
  {
    name: "Alarmcentralen (politi, ambulance)",
    number: "112",
    dial: "112",
    hours: "Døgnåben",
    languages: "Dansk, English",
    note: "Ved akut fare",
  },
];

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

function telLinks(container: Element): Array<[string, string]> {
  return [...container.querySelectorAll<HTMLAnchorElement>('a[href^="tel:"]')].map((a) => [
    a.getAttribute("href") ?? "",
    a.textContent ?? "",
  ]);
}

async function inLobby(lines: readonly HelpLine[]): Promise<Rendered> {
  const rendered = await renderRoom(PARTICIPANT, null, { helpLines: lines });
  await rendered.dispatch({
    type: "joined",
    ack: { ok: true, data: { where: "lobby", user_id: 1 } },
    now: 0,
  });
  return rendered;
}

describe("the help lines around the room", () => {
  it("wait in the lobby behind one line, below the way out, and open with a plain tel: link each", async () => {
    view = await inLobby(LINES);
    const details = view.container.querySelector<HTMLDetailsElement>(".lobby details");
    expect(details?.querySelector("summary")?.textContent).toBe("If you need help now");
    // Closed at first: the lobby's own content comes first on a phone's screen.
    expect(details?.open).toBe(false);
    const leave = [...view.container.querySelectorAll("button")].find(
      (b) => b.textContent === "Leave the lobby",
    );
    expect(leave?.compareDocumentPosition(details as Node)).toBe(Node.DOCUMENT_POSITION_FOLLOWING);

    await view.click(details?.querySelector("summary") ?? null);
    expect(details?.open).toBe(true);
    expect(telLinks(view.container)).toEqual([
      ["tel:1888", "1888"],
      ["tel:112", "112"],
    ]);
    const text = details?.textContent ?? "";
    expect(text).toContain("Lev Uden Vold – national hotline om vold");
    expect(text).toContain("Døgnåben, gratis og anonym · Dansk, English");
    expect(text).toContain("Ved akut fare");
    // Opening the list and tapping a number tell the server nothing.
    const link = view.container.querySelector<HTMLAnchorElement>('a[href="tel:1888"]');
    link?.addEventListener("click", (event) => event.preventDefault());
    await view.click(link);
    expect(view.sent).toEqual([]);
  });

  it("wait behind the same closed line when the meeting has ended, and after leaving", async () => {
    view = await inLobby(LINES);
    await view.dispatch({
      type: "server",
      event: "meeting_ended",
      data: { meeting_id: 7, reason: "ended" },
      now: 0,
    });
    expect(headings(view.container)).toEqual(["The meeting has ended"]);
    // A help line's name may say what it is for: shown when the person opens it.
    const details = view.container.querySelector<HTMLDetailsElement>("details");
    expect(details?.querySelector("summary")?.textContent).toBe("If you need help now");
    expect(details?.open).toBe(false);
    await view.click(details?.querySelector("summary") ?? null);
    expect(telLinks(view.container)).toEqual([
      ["tel:1888", "1888"],
      ["tel:112", "112"],
    ]);
    // The safety page's link stays.
    expect(view.container.querySelector(".safety-link a")?.getAttribute("href")).toBe("/safety");
    view.unmount();

    view = await inLobby(LINES);
    await view.click(
      [...view.container.querySelectorAll("button")].find((b) => b.textContent === "Leave the lobby") ??
        null,
    );
    expect(view.container.querySelector("details summary")?.textContent).toBe("If you need help now");
    expect(telLinks(view.container)).toHaveLength(2);
  });

  it("take no room when the organisation lists none", async () => {
    view = await inLobby([]);
    expect(view.container.querySelector("details")).toBeNull();
    expect(view.container.textContent).not.toContain("If you need help now");
  });
});

describe("readHelpLines", () => {
  it("reads the lines the page gives", () => {
    expect(readHelpLines(JSON.stringify(LINES))).toEqual(LINES);
  });

  it("keeps only lines whose link dials a number", () => {
    const attack = { ...LINES[0], dial: "javascript:alert(1)" };
    const spaced = { ...LINES[0], dial: "+45 33" };
    const unnamed = { ...LINES[1], name: "" };
    const odd = { ...LINES[1], note: 5 };
    expect(readHelpLines(JSON.stringify([attack, spaced, unnamed, odd, LINES[1]]))).toEqual([
      LINES[1],
    ]);
  });

  it("reads nothing from a page without lines, or with something else there", () => {
    for (const json of [null, undefined, "", "not json", "{}", '{"name": "x"}', "[1, null]"]) {
      expect(readHelpLines(json)).toEqual([]);
    }
  });
});

describe("the room page's help lines", () => {
  function quietSocket() {
    return {
      connected: false,
      active: true,
      disconnect: vi.fn(),
      io: { reconnection: vi.fn(), engine: { close: vi.fn() } },
      connect: vi.fn(),
      on: () => undefined,
      off: () => undefined,
      timeout: () => ({ emitWithAck: async () => ({ ok: false }) }),
    };
  }

  function roomPage(): HTMLElement {
    const data = document.createElement("script");
    data.type = "application/json";
    data.id = "help-lines";
    data.textContent = JSON.stringify(LINES);
    const root = document.createElement("div");
    root.id = "room";
    Object.assign(root.dataset, {
      meetingId: "7",
      userId: "3",
      displayName: "Birch",
      role: "participant",
      language: "da",
      title: "Tirsdagsgruppen",
      dashboardUrl: "/",
      entryUrl: "/meetings/7",
      safetyUrl: "/safety",
    });
    document.body.append(root, data);
    return root;
  }

  it("are read from the page once, in the room's language, and a tapped number is not held up by “Leave site?”", async () => {
    const root = roomPage();
    const socket = quietSocket();
    const store = mountRoom(
      root,
      new QuickExit({ navigate: () => undefined }),
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
    );
    store.dispatch({ type: "joined", ack: { ok: true, data: { where: "lobby", user_id: 3 } }, now: 0 });
    await vi.waitFor(() =>
      expect(root.querySelector("summary")?.textContent).toBe("Hvis du har brug for hjælp nu"),
    );
    // Changing the page's data later changes nothing: it was read once, at mount.
    document.getElementById("help-lines")?.replaceChildren("[]");
    expect(telLinks(root)).toEqual([
      ["tel:1888", "1888"],
      ["tel:112", "112"],
    ]);

    const leaving = (): boolean => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    // In the lobby, a reload or a close asks first…
    expect(leaving()).toBe(true);
    // …but a tap on a number goes straight to the phone.
    const link = root.querySelector<HTMLAnchorElement>('a[href="tel:1888"]');
    link?.addEventListener("click", (event) => event.preventDefault());
    link?.click();
    expect(leaving()).toBe(false);
  });
});
