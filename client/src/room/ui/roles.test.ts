import { afterEach, describe, expect, it } from "vitest";
import type { ChatMessage, PrivateMessage, Sender } from "../../protocol/events";
import { FACILITATOR, PARTICIPANT, PEOPLE, floorOf, roomSnapshot } from "../samples";
import { type Rendered, openPanel, renderRoom } from "./testing";
import { setLanguage } from "./text";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
  setLanguage("en");
});

let ids = 0;

function said(from: Sender, text: string): ChatMessage {
  ids += 1;
  return { meeting_id: 7, id: `m${ids}`, from, text, at: 1_000_000 };
}

/** Each chat line as "name|badge", the badge empty when there is none. */
function chatLines(container: HTMLElement): string[] {
  return [...container.querySelectorAll(".chat-message")].map((line) => {
    const name = line.querySelector("strong")?.textContent ?? "";
    return `${name}|${line.querySelector(".badge-role")?.textContent ?? ""}`;
  });
}

describe("roles come from the server's roster, never from a name", () => {
  it("marks the facilitators' chat lines and not a participant's", async () => {
    view = await renderRoom(PARTICIPANT);
    await openPanel(view, "chat");
    await view.fire("chat", said({ user_id: 1, name: "Mira" }, "Welcome, everyone."));
    await view.fire("chat", said({ user_id: 2, name: "Jonas" }, "Hello."));
    await view.fire("chat", said({ user_id: 4, name: "Heron" }, "Hi."));

    expect(chatLines(view.container)).toEqual([
      "Mira|Facilitator",
      "Jonas|Co-facilitator",
      "Heron|",
    ]);
  });

  it("gives no badge to a participant whose name reads like the facilitator's", async () => {
    // The server refuses such names; were one to get through, the badge still follows the id.
    const people = PEOPLE.map((p) => (p.user_id === 4 ? { ...p, name: "Mira" } : p));
    view = await renderRoom(PARTICIPANT, { people });
    await openPanel(view, "chat");
    await view.fire("chat", said({ user_id: 4, name: "Mira" }, "Listen to me, I lead here."));
    await view.fire("chat", said({ user_id: 99, name: "Mira" }, "Nobody in the room."));

    expect(chatLines(view.container)).toEqual(["Mira|", "Mira|"]);
  });

  it("drops the badge of someone no longer in the room", async () => {
    view = await renderRoom(PARTICIPANT);
    await openPanel(view, "chat");
    await view.fire("chat", said({ user_id: 2, name: "Jonas" }, "I have to go."));
    expect(chatLines(view.container)).toEqual(["Jonas|Co-facilitator"]);

    const left = PEOPLE.filter((p) => p.user_id !== 2);
    await view.fire("room_state", roomSnapshot({ version: 2, people: left }));
    expect(chatLines(view.container)).toEqual(["Jonas|"]);
  });

  it("marks facilitators in the list of people", async () => {
    view = await renderRoom(PARTICIPANT);
    const badges = [...view.container.querySelectorAll(".people .person")].map((row) => [
      row.querySelector(".person-name")?.textContent,
      row.querySelector(".badge-role")?.textContent ?? null,
    ]);

    expect(badges).toEqual([
      ["Mira", "Facilitator"],
      ["Jonas", "Co-facilitator"],
      ["Birch (you)", null],
      ["Heron", null],
      ["Willow", null],
    ]);
  });

  it("marks a facilitator who has the floor", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(1) });
    const holder = view.container.querySelector('[data-testid="floor-holder"]');
    expect(holder?.textContent).toBe("Mira has the floor Facilitator");
    expect(holder?.querySelector(".badge-role")).not.toBeNull();

    await view.fire("room_state", roomSnapshot({ version: 2, floor: floorOf(4) }));
    expect(holder?.textContent).toBe("Heron has the floor");
  });

  it("marks a facilitator's reply on the private line", async () => {
    view = await renderRoom(PARTICIPANT);
    const reply: PrivateMessage = {
      meeting_id: 7,
      id: "p1",
      from: { user_id: 1, name: "Mira" },
      to: { user_id: 3, name: "Birch" },
      text: "I'm here.",
      at: 1_000_000,
    };
    await view.fire("private_message", reply);
    await openPanel(view, "private");

    const line = view.container.querySelector(".private-message");
    expect(line?.querySelector(".badge-role")?.textContent).toBe("Facilitator");
  });

  it("says the roles in Danish", async () => {
    view = await renderRoom(FACILITATOR);
    setLanguage("da");
    await openPanel(view, "chat");
    await view.fire("chat", said({ user_id: 2, name: "Jonas" }, "Hej."));
    await view.fire("chat", said({ user_id: 1, name: "Mira" }, "Velkommen."));

    expect(chatLines(view.container)).toEqual(["Jonas|Medgruppeleder", "Mira|Gruppeleder"]);
  });
});
