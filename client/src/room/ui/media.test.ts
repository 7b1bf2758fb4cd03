import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import type { RoomPerson, RoomSnapshot } from "../../protocol/events";
import {
  FACILITATOR,
  PARTICIPANT,
  PEOPLE,
  facilitatorSnapshot,
  floorOf as floor,
  roomSnapshot,
} from "../samples";
import {
  FakeRelay,
  NOW,
  type Rendered,
  STAGE,
  TOOLBAR,
  button,
  openPanel,
  part,
  peerSession,
  renderRoom,
} from "./testing";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
});

function people(changes: Record<number, Partial<RoomPerson>>): RoomPerson[] {
  return PEOPLE.map((p) => ({ ...p, ...changes[p.user_id] }));
}

/** Requests the person's UI sent, without the media layer's own signalling. */
const requests = (rendered: Rendered) =>
  rendered.sent.filter(([event]) => event !== "rtc_signal" && event !== "ice_servers");

/** The toolbar, with the microphone and camera buttons. */
const toolbar = (rendered: Rendered): HTMLElement => part(rendered.container, TOOLBAR);
/** What needs the person now, at the top: the unmute question and media notices. */
const now = (rendered: Rendered): HTMLElement => part(rendered.container, NOW);

/** The sound and picture settings, under More (opened first). */
async function settings(rendered: Rendered): Promise<HTMLElement> {
  if (rendered.store.get().panel !== "more") {
    await openPanel(rendered, "more");
  }
  return part(rendered.container, "#media-settings");
}

/** The question "Turn on your microphone?" at the top of the room, if asked. */
const question = (rendered: Rendered): HTMLElement | null => now(rendered).querySelector(".media-prompt");

function describedBy(element: Element | null): string {
  const id = element?.getAttribute("aria-describedby") ?? "";
  return id ? (document.getElementById(id)?.textContent ?? "") : "";
}

function tile(rendered: Rendered, userId: number): HTMLElement | null {
  return rendered.container.querySelector(`${STAGE} li.tile[data-user-id="${userId}"]`);
}

async function check(box: HTMLInputElement | null, on: boolean): Promise<void> {
  await act(async () => {
    box!.checked = on;
    box!.dispatchEvent(new Event("change", { bubbles: true }));
    await Promise.resolve();
  });
}

describe("sound and picture for a participant", () => {
  it("starts with everything off, a tile for everyone and the choice said plainly", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });

    const stage = part(view.container, STAGE);
    expect(stage.querySelector("h2")?.textContent).toBe("Everyone's picture");
    const mic = button(toolbar(view), "Turn microphone on");
    const camera = button(toolbar(view), "Turn camera on");
    expect(mic?.textContent).toBe("Microphone");
    expect(camera?.textContent).toBe("Camera");
    expect(mic?.classList.contains("is-off")).toBe(true);
    const tiles = stage.querySelector('ul[aria-label="Everyone\'s sound and picture"]');
    expect([...tiles!.querySelectorAll(".tile-name")].map((name) => name.textContent)).toEqual([
      "Birch (you)",
      "Mira Facilitator",
      "Jonas Co-facilitator",
      "Heron",
      "Willow",
    ]);
    expect(tile(view, 4)?.textContent).toContain("Microphone off");
    expect(view.rig!.env.constraints).toEqual([]);
    // The choice is said in the sound and picture settings, under More.
    expect((await settings(view)).textContent).toContain(
      "Your microphone and camera are off until you turn them on.",
    );
    expect(view.rig!.env.constraints).toEqual([]);
  });

  it("turns the microphone on and off with one button", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });

    await view.click(button(toolbar(view), "Turn microphone on"));
    await view.settle();
    const off = button(toolbar(view), "Turn microphone off");
    expect(off).not.toBeNull();
    expect(off?.classList.contains("is-on")).toBe(true);
    expect(tile(view, 3)?.textContent).toContain("Microphone on");
    expect(requests(view)).toEqual([["set_media", { audio: true, video: false }]]);

    await view.click(off);
    await view.settle();
    expect(button(toolbar(view), "Turn microphone on")).not.toBeNull();
    expect(view.rig!.env.liveTracks).toEqual([]);
  });

  it("says beside the button why the microphone is refused, and the room goes on", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    view.rig!.env.captureError = Object.assign(new Error("no"), { name: "NotAllowedError" });

    await view.click(button(toolbar(view), "Turn microphone on"));
    await view.settle();
    const mic = button(toolbar(view), "Turn microphone on");
    expect(describedBy(mic)).toBe(
      "The browser did not allow the microphone. You can allow it in the browser's settings for this site.",
    );
    await view.click(button(view.container, "Raise hand"));
    expect(requests(view)).toEqual([["raise_hand", {}]]);
  });

  it("in floor mode, refuses the microphone to someone without the floor", async () => {
    view = await renderRoom(PARTICIPANT, { floor_mode: true, may_speak: [1, 2] }, { media: true });

    expect(view.container.querySelector(".room-badges")?.textContent).toContain("Floor mode");
    await view.click(button(toolbar(view), "Turn microphone on"));
    await view.settle();
    expect(describedBy(button(toolbar(view), "Turn microphone on"))).toBe(
      "Only the person who has the floor and the facilitators can speak now.",
    );
    expect(view.rig!.env.constraints).toEqual([]);
    expect((await settings(view)).textContent).toContain(
      "Floor mode: only the person who has the floor and the facilitators can speak now.",
    );
  });

  it("asks when the floor comes, and turns the microphone on only on Yes", async () => {
    view = await renderRoom(PARTICIPANT, { floor_mode: true, may_speak: [1, 2] }, { media: true });
    await view.fire("room_state", roomSnapshot({ version: 2, floor_mode: true, may_speak: [1, 2, 3], floor: floor(3) }));

    const asked = question(view);
    expect(asked?.getAttribute("role")).toBe("group");
    const labelId = asked?.getAttribute("aria-labelledby") ?? "";
    expect(document.getElementById(labelId)?.textContent).toBe("You have the floor. Turn on your microphone?");
    expect(view.rig!.env.constraints).toEqual([]);
    expect(view.rig!.said.map((a) => a.key)).toContain("sayUnmutePrompt");

    await view.click(button(now(view), "Yes, turn it on"));
    await view.settle();
    expect(button(toolbar(view), "Turn microphone off")).not.toBeNull();
    expect(question(view)).toBeNull();
    expect(document.activeElement).toBe(button(toolbar(view), "Turn microphone off"));
  });

  it("keeps the microphone off on No", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await view.fire("unmute_request", { meeting_id: 7, by: { user_id: 1, name: "Mira" } });

    expect(question(view)?.textContent).toContain("Mira asks you to turn on your microphone. Turn it on?");
    await view.click(button(now(view), "No, keep it off"));
    expect(question(view)).toBeNull();
    expect(button(toolbar(view), "Turn microphone on")).not.toBeNull();
    expect(view.rig!.env.constraints).toEqual([]);
  });

  it("tells the person a facilitator muted them, until they hide it", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await view.click(button(toolbar(view), "Turn microphone on"));
    await view.settle();
    await view.fire("mute_request", { meeting_id: 7, by: { user_id: 1, name: "Mira" } });

    expect(button(toolbar(view), "Turn microphone on")).not.toBeNull();
    expect(now(view).textContent).toContain("Mira turned your microphone off.");
    await view.click(button(now(view), "Hide this message"));
    expect(now(view).textContent).not.toContain("Mira turned your microphone off.");
  });

  it("offers Turn on sound when the browser holds sound back", async () => {
    const relay = new FakeRelay();
    view = await renderRoom(PARTICIPANT, {}, { media: true, relay });
    view.rig!.env.autoplayBlocked = true;
    peerSession(relay, 4, roomSnapshot());
    await view.settle();

    expect(now(view).textContent).toContain("The browser is holding back the meeting's sound");
    await view.click(button(now(view), "Turn on sound"));
    expect(button(view.container, "Turn on sound")).toBeNull();
    expect(view.rig!.env.autoplayBlocked).toBe(false);
  });

  it("shows someone's camera in their tile (muted), and their speaking", async () => {
    const relay = new FakeRelay();
    view = await renderRoom(PARTICIPANT, { people: people({ 4: { camera: true, mic: true } }) }, { media: true, relay });
    peerSession(relay, 4, roomSnapshot());
    await view.settle();

    const video = tile(view, 4)?.querySelector("video");
    expect(video?.getAttribute("aria-label")).toBe("Heron's camera");
    expect(video?.muted).toBe(true);
    expect(tile(view, 4)?.textContent).toContain("Microphone on");
    expect(tile(view, 1)?.querySelector("video")).toBeNull(); // Mira's camera is off

    const stream = view.rig!.media.get().remote.get(4) as unknown;
    const meter = view.rig!.env.meters.find((m) => m.stream === stream);
    meter!.value = 0.5;
    await act(() => {
      view!.rig!.env.advance(100);
      view!.rig!.env.advance(200);
    });
    expect(tile(view, 4)?.classList.contains("is-speaking")).toBe(true);
    expect(tile(view, 4)?.querySelector(".tile-speaking")?.textContent).toBe("Speaking");
  });

  it("shows my own camera, and the camera is refused in audio-only mode", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await view.click(button(toolbar(view), "Turn camera on"));
    await view.settle();
    expect(tile(view, 3)?.querySelector("video")?.getAttribute("aria-label")).toBe("Your camera");

    const boxes = (await settings(view)).querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    await check(boxes[0] ?? null, true); // audio only
    await view.settle();
    expect(tile(view, 3)?.querySelector("video")).toBeNull();
    await view.click(button(toolbar(view), "Turn camera on"));
    await view.settle();
    expect(describedBy(button(toolbar(view), "Turn camera on"))).toBe("The camera stays off in audio-only mode.");
  });

  it("lists the devices in the settings and unmutes on the floor by choice", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    view.rig!.env.devices = [
      { kind: "audioinput", deviceId: "mic-a", label: "" },
      { kind: "audioinput", deviceId: "mic-b", label: "" },
      { kind: "videoinput", deviceId: "cam-a", label: "" },
      { kind: "audiooutput", deviceId: "out-a", label: "" },
    ];
    const more = toolbar(view).querySelector<HTMLButtonElement>('[data-panel="more"]');
    expect(more?.getAttribute("aria-expanded")).toBe("false");
    await view.click(more);
    await view.settle();
    expect(more?.getAttribute("aria-expanded")).toBe("true");
    const section = part(view.container, "#media-settings");
    expect(section.querySelector("h3")?.textContent).toBe("Sound and picture settings");

    const labels = [...section.querySelectorAll("label")].map((label) => label.textContent);
    expect(labels).toEqual([
      "Microphone",
      "Camera",
      "Speakers or headphones",
      "Audio only: no video, for a weak connection",
      "None", // the background: blurred or a plain colour, made in this browser
      "Blur",
      "Plain colour",
      "Turn my microphone on by itself when I get the floor",
    ]);
    const microphones = section.querySelector<HTMLSelectElement>("select");
    expect([...microphones!.options].map((o) => o.textContent)).toEqual([
      "The browser's choice",
      "Microphone 1",
      "Microphone 2",
    ]);
    expect(section.textContent).toContain("The devices' names appear once");
    await act(async () => {
      microphones!.value = "mic-b";
      microphones!.dispatchEvent(new Event("change", { bubbles: true }));
      await Promise.resolve();
    });
    expect(view.rig!.media.get().local.micDeviceId).toBe("mic-b");

    const boxes = section.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    await check(boxes[1] ?? null, true);
    await view.fire("room_state", roomSnapshot({ version: 2, floor: floor(3) }));
    expect(question(view)).toBeNull();
    expect(button(toolbar(view), "Turn microphone off")).not.toBeNull();
    expect(view.rig!.env.constraints.at(-1)).toEqual({
      audio: expect.objectContaining({ deviceId: { exact: "mic-b" } }),
    });
  });

  it("says so when the browser cannot carry sound and picture", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: "unsupported" });

    expect(button(view.container, "Turn microphone on")).toBeNull();
    expect(button(view.container, "Turn camera on")).toBeNull();
    expect(button(view.container, "Raise hand")).not.toBeNull();
    expect((await settings(view)).textContent).toContain("This browser cannot carry sound and picture here.");
  });

  it("is gone when the person leaves, with every track stopped", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await view.click(button(toolbar(view), "Turn microphone on"));
    await view.click(button(toolbar(view), "Turn camera on"));
    await view.settle();
    expect(view.rig!.env.liveTracks).toHaveLength(2);

    await view.click(button(view.container, "Leave the meeting"));
    expect(view.container.querySelector(STAGE)).toBeNull();
    expect(view.container.querySelector(TOOLBAR)).toBeNull();
    expect(view.rig!.env.liveTracks).toEqual([]);
    expect(view.rig!.env.connections.every((pc) => pc.closed)).toBe(true);
  });
});

describe("sound and picture for a facilitator", () => {
  async function asFacilitator(room: Partial<RoomSnapshot> = {}, relay?: FakeRelay) {
    const rendered = await renderRoom(FACILITATOR, room, { media: true, ...(relay ? { relay } : {}) });
    await rendered.fire(
      "room_state",
      roomSnapshot({ ...room, version: 2, facilitator: facilitatorSnapshot({ version: 2 }) }),
    );
    return rendered;
  }

  const NOT_RELAYED =
    "Audio and video go directly between browsers: members can learn each other's network address. Ask your organisation to set up a relay (TURN) server.";

  it("says, in the sound tools, when audio and video are not relayed", async () => {
    view = await asFacilitator(); // the server's ICE configuration: no TURN, policy "all"
    await view.settle();
    const notice = view.container.querySelector("#sound-tools [data-testid=relay-notice]");
    expect(notice?.textContent).toBe(NOT_RELAYED);
    expect(view.sent.filter(([event]) => event === "ice_servers")).toHaveLength(1);
  });

  it("says nothing when everything goes through the relay", async () => {
    const relay = new FakeRelay();
    relay.ice = {
      ice_servers: [{ urls: ["turn:turn.example.org:3478"], username: "1:a", credential: "c" }],
      ice_transport_policy: "relay",
      expires_at: 2_000_000_000,
    };
    view = await asFacilitator({}, relay);
    await view.settle();
    expect(view.container.querySelector("[data-testid=relay-notice]")).toBeNull();
    expect(view.container.textContent).not.toContain("directly between browsers");
  });

  it("never tells a participant", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await view.settle();
    expect(view.container.querySelector("[data-testid=relay-notice]")).toBeNull();
  });

  it("switches floor mode and mutes everyone but the floor", async () => {
    view = await asFacilitator();
    const tools = view.container.querySelector("#sound-tools")!;
    expect(tools.querySelector("h3")?.textContent).toBe("Sound");
    expect(tools.textContent).toContain("Floor mode is off: everyone can speak.");

    await view.click(button(tools, "Turn floor mode on"));
    await view.click(button(tools, "Mute everyone but the floor"));
    expect(requests(view)).toEqual([
      ["set_floor_mode", { on: true }],
      ["mute_all_but_floor", {}],
    ]);

    await view.fire(
      "room_state",
      roomSnapshot({
        version: 3,
        floor_mode: true,
        may_speak: [1, 2],
        facilitator: facilitatorSnapshot({ version: 3, floor_mode_switch: true }),
      }),
    );
    expect(tools.textContent).toContain("Floor mode is on");
    expect(button(tools, "Turn floor mode off")).not.toBeNull();
    expect(view.rig!.said.map((a) => a.key)).toContain("sayFloorModeOn");
  });

  it("says a round's floor mode is the round's", async () => {
    view = await asFacilitator({
      floor_mode: true,
      round: { kind: "check_in", order: [3, 4], current: 3 },
      floor: { ...floor(3)!, via: "round" },
    });
    expect(view.container.querySelector("#sound-tools")?.textContent).toContain(
      "A round is going on: floor mode is on until it ends.",
    );
    expect(button(view.container, "Turn floor mode on")).not.toBeNull();
  });

  it("mutes one person, or asks them to unmute, from their options", async () => {
    view = await asFacilitator({ people: people({ 4: { mic: true } }) });
    await openPanel(view, "people");

    await view.click(button(view.container, "Options for Heron"));
    expect(button(view.container, "Ask Heron to turn on their microphone")).toBeNull();
    await view.click(button(view.container, "Mute Heron's microphone"));
    await view.click(button(view.container, "Options for Birch"));
    await view.click(button(view.container, "Ask Birch to turn on their microphone"));
    expect(requests(view)).toEqual([
      ["mute", { user_id: 4 }],
      ["ask_to_unmute", { user_id: 3 }],
    ]);
  });

  it("does not offer to ask someone who may not speak now", async () => {
    view = await asFacilitator({ floor_mode: true, may_speak: [1, 2] });
    await openPanel(view, "people");
    await view.click(button(view.container, "Options for Birch"));
    expect(button(view.container, "Ask Birch to turn on their microphone")).toBeNull();
    expect(button(view.container, "Mute Birch's microphone")).toBeNull();
  });
});
