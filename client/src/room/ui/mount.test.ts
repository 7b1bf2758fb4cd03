import { afterEach, describe, expect, it, vi } from "vitest";
import { MediaSession } from "../../media/session";
import { FakeEnvironment } from "../../media/testing/fakes";
import { RoomConnection, type RoomSocket } from "../../protocol/connection";
import { QuickExit } from "../../quick-exit";
import { roomSnapshot } from "../samples";
import { mountRoom, readMe } from "./mount";

type Handler = (...args: unknown[]) => void;

function fakeSocket() {
  const handlers = new Map<string, Handler[]>();
  const socket = {
    connected: false,
    active: true,
    disconnect: vi.fn(() => {
      socket.connected = false;
    }),
    // The quick exit closes the transport under the socket (see RoomConnection.leaveQuickly).
    io: {
      reconnection: vi.fn(),
      engine: {
        close: vi.fn(() => {
          socket.connected = false;
        }),
      },
    },
    connect: vi.fn(() => {
      socket.connected = true;
      queueMicrotask(() => handlers.get("connect")?.forEach((h) => h()));
    }),
    on: (event: string, handler: Handler) => {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
    },
    off: () => undefined,
    timeout: () => ({
      emitWithAck: async () => ({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } }),
    }),
    fire: (event: string, data: unknown) => handlers.get(event)?.forEach((h) => h(data)),
  };
  return socket;
}

function roomElement(): HTMLElement {
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
  root.innerHTML = '<p role="status">Connecting…</p>';
  document.body.append(root);
  return root;
}

afterEach(() => {
  document.body.replaceChildren();
});

/** The button whose accessible name (aria-label, else its text) is `name`. */
function named(root: HTMLElement, name: string): HTMLButtonElement | undefined {
  return [...root.querySelectorAll("button")].find(
    (b) => (b.getAttribute("aria-label") ?? b.textContent ?? "").trim() === name,
  );
}

describe("mountRoom", () => {
  it("reads who I am from the page", () => {
    expect(readMe({ userId: "3", displayName: "Birch", role: "co_facilitator" })).toEqual({
      userId: 3,
      name: "Birch",
      role: "co_facilitator",
    });
    expect(readMe({ userId: "3", role: "admin" }).role).toBe("participant");
  });

  it("joins, shows the room in the page's language and has two live regions", async () => {
    const socket = fakeSocket();
    const root = roomElement();
    const quickExit = new QuickExit({ navigate: () => undefined });

    const store = mountRoom(
      root,
      quickExit,
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
    );
    await vi.waitFor(() => expect(store.get().screen.kind).toBe("room"));
    await vi.waitFor(() => expect(root.querySelector("h1")?.textContent).toBe("Tirsdagsgruppen"));

    // The toolbar's hand says "Raise hand" in Danish (not only the shortcuts' list).
    expect(named(root, "Ræk hånden op")?.closest(".room-toolbar")).not.toBeNull();
    expect(root.querySelector("#room-live")?.getAttribute("aria-live")).toBe("polite");
    expect(root.querySelector("#room-alert")?.getAttribute("role")).toBe("alert");
  });

  it("does not connect by itself when reached with Back", async () => {
    const socket = fakeSocket();
    const root = roomElement();
    vi.spyOn(performance, "getEntriesByType").mockReturnValue([
      { type: "back_forward" } as unknown as PerformanceEntry,
    ]);

    const store = mountRoom(
      root,
      new QuickExit({ navigate: () => undefined }),
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
    );
    await vi.waitFor(() => expect(root.querySelector("h1")?.textContent).toBe("Du har forladt mødet"));

    expect(store.get().screen.kind).toBe("left");
    expect(socket.connect).not.toHaveBeenCalled();
    expect(root.textContent).not.toContain("Tirsdagsgruppen");
  });

  it("on quick exit closes the socket and forgets the meeting", async () => {
    const socket = fakeSocket();
    const root = roomElement();
    const navigate = vi.fn();
    const quickExit = new QuickExit({ navigate });
    const store = mountRoom(
      root,
      quickExit,
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
    );
    await vi.waitFor(() => expect(store.get().screen.kind).toBe("room"));
    socket.fire("chat", {
      meeting_id: 7,
      id: "m1",
      from: { user_id: 4, name: "Heron" },
      text: "secret",
      at: 0,
    });
    expect(store.get().chat).toHaveLength(1);

    quickExit.exit();

    expect(socket.io.engine.close).toHaveBeenCalled();
    expect(socket.connected).toBe(false);
    expect(store.get().chat).toEqual([]);
    expect(store.get().room).toBeNull();
    expect(document.body.textContent).not.toContain("secret");
    expect(navigate).toHaveBeenCalledTimes(1);
  });

  it("says so where the browser has no WebRTC, and the room works", async () => {
    const socket = fakeSocket();
    const root = roomElement();
    const store = mountRoom(
      root,
      new QuickExit({ navigate: () => undefined }),
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
    );
    await vi.waitFor(() => expect(store.get().screen.kind).toBe("room"));
    // Said under More, in the sound and picture settings; no microphone or camera buttons.
    store.dispatch({ type: "panel", panel: "more" });
    await vi.waitFor(() =>
      expect(root.querySelector("#media-settings")?.textContent).toContain(
        "Denne browser kan ikke bære lyd og billede her.",
      ),
    );
    expect(root.querySelector('.room-toolbar [data-media="mic"]')).toBeNull();
    expect(root.querySelector('.room-toolbar [data-media="camera"]')).toBeNull();
    expect(named(root, "Ræk hånden op")?.closest(".room-toolbar")).not.toBeNull();
  });

  it("on quick exit stops the microphone and the camera and closes every peer connection", async () => {
    const socket = fakeSocket();
    const root = roomElement();
    const env = new FakeEnvironment();
    const quickExit = new QuickExit({ navigate: () => undefined });
    const store = mountRoom(
      root,
      quickExit,
      (id) => new RoomConnection(id, { socket: socket as unknown as RoomSocket }),
      { media: (signalling) => new MediaSession({ signalling, environment: env }) },
    );
    await vi.waitFor(() => expect(store.get().screen.kind).toBe("room"));
    const press = async (name: string) => {
      const found = await vi.waitFor(() => {
        const button = named(root, name);
        expect(button).toBeDefined();
        return button!;
      });
      found.click();
    };
    await press("Tænd mikrofonen");
    await vi.waitFor(() => expect(named(root, "Sluk mikrofonen")).toBeDefined());
    await press("Tænd kameraet");
    await vi.waitFor(() => expect(named(root, "Sluk kameraet")).toBeDefined());
    expect(env.liveTracks).toHaveLength(2);
    expect(env.connections.length).toBeGreaterThan(0);

    quickExit.exit();

    expect(env.liveTracks).toEqual([]);
    expect(env.connections.every((pc) => pc.closed)).toBe(true);
    expect(socket.io.engine.close).toHaveBeenCalled();
  });
});
