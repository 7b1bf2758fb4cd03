/**
 * Who is here: pseudonyms, roles, statuses (stepping out, reconnecting), raised hands, a visible
 * mark on whoever has the floor, and for facilitators a mark on whoever needs them (a signal, a
 * private message: ./Attention.tsx). Facilitators open each person's menu — one at a time
 * (`model.menu`), over the list rather than pushing it down, closed by Escape — with the
 * everyday actions (the floor, the hand, the microphone, chat) and, apart, after a divider, the
 * serious ones (removal), each confirmed with what it does.
 */

import { useEffect, useId, useLayoutEffect, useRef } from "preact/hooks";
import type { RoomPerson } from "../../protocol/events";
import { facilitates, queuePosition } from "../derive";
import { AttentionMark, useAttention, useAttentionAlerts } from "./Attention";
import { ConfirmAction } from "./ConfirmDialog";
import { useModel, useRoom } from "./context";
import { ActionButton } from "./controls";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { tr } from "./text";

/** The nearest ancestor that clips or scrolls (a panel, a sheet), or null for the window. */
function clippingBox(element: HTMLElement): DOMRect | null {
  const view = element.ownerDocument.defaultView;
  for (let node = element.parentElement; node && view; node = node.parentElement) {
    const overflow = view.getComputedStyle(node).overflowY;
    if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") {
      return node.getBoundingClientRect();
    }
  }
  return null;
}

/**
 * Opens the menu upwards when there is no room for it below (near the end of a panel or the
 * window) and there is above: it stays whole without scrolling anything.
 */
function placeMenu(menu: HTMLElement | null): void {
  if (!menu) {
    return;
  }
  menu.classList.remove("opens-up");
  const view = menu.ownerDocument.defaultView;
  const rect = menu.getBoundingClientRect();
  const clip = clippingBox(menu);
  const bottom = Math.min(clip?.bottom ?? Infinity, view?.innerHeight ?? Infinity);
  const top = Math.max(clip?.top ?? 0, 0);
  const button = menu.parentElement?.getBoundingClientRect();
  if (rect.bottom > bottom && button && button.top - rect.height - 4 >= top) {
    menu.classList.add("opens-up");
  }
}

/** The key of a person's menu in `model.menu` (one open at a time in the whole room). */
export function personMenuKey(userId: number, place = "people"): string {
  return `${place}:${userId}`;
}

/**
 * A facilitator's menu for one person: its button, and the menu over what follows. `place`
 * tells two menus for the same person apart (the list of people, a tile).
 */
export function PersonOptions({ who, place = "people" }: { who: RoomPerson; place?: string }) {
  const model = useModel();
  const { store } = useRoom();
  const key = personMenuKey(who.user_id, place);
  const open = model.menu === key;
  const menuId = useId();
  const seriousId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const name = who.name;
  const muted = model.facilitator?.chat_muted.includes(who.user_id) ?? false;
  const inQueue = queuePosition(model.room, who.user_id) !== null;
  const isFacilitator = facilitates(who.role);
  const round = model.room?.round != null;
  const maySpeak = model.room?.may_speak.includes(who.user_id) ?? false;

  const close = (focusButton: boolean): void => {
    if (store.get().menu === key) {
      store.dispatch({ type: "menu", menu: null });
    }
    if (focusButton) {
      toggle.current?.focus();
    }
  };

  useLayoutEffect(() => {
    if (open) {
      placeMenu(menu.current);
    }
  }, [open]);

  useEffect(() => {
    const doc = box.current?.ownerDocument;
    if (!open || !doc) {
      return undefined;
    }
    // A press anywhere else closes it (focus stays where the press put it).
    const outside = (event: Event): void => {
      if (event.target instanceof Node && !box.current?.contains(event.target)) {
        close(false);
      }
    };
    doc.addEventListener("pointerdown", outside, true);
    return () => doc.removeEventListener("pointerdown", outside, true);
    // `close` reads the store each time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  return (
    <div
      ref={box}
      class={open ? "person-options is-open" : "person-options"}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          // The menu closes, not the panel around it.
          event.stopPropagation();
          close(true);
        }
      }}
      onFocusOut={(event) => {
        // Tabbing past the menu closes it, so that it never covers what has the focus.
        const next = event.relatedTarget;
        if (open && next instanceof Node && !box.current?.contains(next)) {
          close(false);
        }
      }}
    >
      <button
        ref={toggle}
        type="button"
        class="button secondary small"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={tr("optionsFor", { name })}
        onClick={() => store.dispatch({ type: "menu", menu: open ? null : key })}
      >
        {tr("options")}
      </button>
      <div
        ref={menu}
        id={menuId}
        class="person-menu"
        role="group"
        aria-label={tr("optionsFor", { name })}
        hidden={!open}
      >
        {open && (
          <>
            <div class="person-menu-everyday">
              {!round && model.room?.floor?.user_id !== who.user_id && (
                <ActionButton
                  event="give_floor"
                  payload={{ user_id: who.user_id }}
                  variant="secondary small"
                  label={tr("giveFloorTo", { name })}
                >
                  {tr("giveFloor")}
                </ActionButton>
              )}
              {inQueue && (
                <ActionButton
                  event="lower_hand_of"
                  payload={{ user_id: who.user_id }}
                  variant="secondary small"
                  label={tr("lowerHandOf", { name })}
                >
                  {tr("lowerHandShort")}
                </ActionButton>
              )}
              {who.mic && (
                <ActionButton
                  event="mute"
                  payload={{ user_id: who.user_id }}
                  variant="secondary small"
                  label={tr("muteMicOf", { name })}
                >
                  {tr("muteMic")}
                </ActionButton>
              )}
              {!who.mic && who.connected && maySpeak && (
                <ActionButton
                  event="ask_to_unmute"
                  payload={{ user_id: who.user_id }}
                  variant="secondary small"
                  label={tr("askUnmuteOf", { name })}
                >
                  {tr("askUnmute")}
                </ActionButton>
              )}
              {!isFacilitator && (
                <ActionButton
                  event="mute_chat"
                  payload={{ user_id: who.user_id, muted: !muted }}
                  variant="secondary small"
                  label={tr(muted ? "unmuteChatOf" : "muteChatOf", { name })}
                >
                  {muted ? tr("unmuteChat") : tr("muteChat")}
                </ActionButton>
              )}
            </div>
            {!isFacilitator && (
              <div class="person-menu-serious" role="group" aria-labelledby={seriousId}>
                <p id={seriousId} class="person-menu-serious-label">
                  {tr("seriousActions")}
                </p>
                <ConfirmAction
                  event="remove_from_meeting"
                  payload={{ user_id: who.user_id }}
                  variant="danger small"
                  label={tr("removeFromMeetingName", { name })}
                  heading={tr("removeFromMeetingHeading", { name })}
                  consequence={tr("removeFromMeetingConsequence", { name })}
                  confirmLabel={tr("removeFromMeetingConfirm")}
                >
                  {tr("removeFromMeeting")}
                </ConfirmAction>
                <ConfirmAction
                  event="remove_from_group"
                  payload={{ user_id: who.user_id }}
                  variant="danger small"
                  label={tr("removeFromGroupName", { name })}
                  heading={tr("removeFromGroupHeading", { name })}
                  consequence={tr("removeFromGroupConsequence", { name })}
                  confirmLabel={tr("removeFromGroupConfirm")}
                >
                  {tr("removeFromGroup")}
                </ConfirmAction>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function PersonRow({ who }: { who: RoomPerson }) {
  const model = useModel();
  const room = model.room;
  const facilitating = facilitates(model.me.role);
  const attention = useAttention(who.user_id);
  const speaking = room?.floor?.user_id === who.user_id;
  const position = queuePosition(room, who.user_id);
  const muted = model.facilitator?.chat_muted.includes(who.user_id) ?? false;
  const classes = [
    "person",
    speaking ? "has-floor" : "",
    who.connected ? "" : "is-disconnected",
    attention ? "needs-attention" : "",
  ];
  return (
    <li class={classes.filter(Boolean).join(" ")} data-user-id={who.user_id}>
      <span class="person-mark" aria-hidden="true" />
      <span class="person-main">
        <span class="person-name">
          <bdi>{who.name}</bdi>
          {who.user_id === model.me.userId && <span class="muted"> {tr("youSuffix")}</span>}
        </span>
        <span class="person-badges">
          <RoleBadge userId={who.user_id} />
          {speaking && <span class="badge badge-ok">{tr("speakingBadge")}</span>}
          {position !== null && <span class="badge">{tr("handBadge", { position })}</span>}
          {who.status === "away" && <span class="badge badge-warn">{tr("statusAway")}</span>}
          {!who.connected && <span class="badge badge-muted">{tr("statusDisconnected")}</span>}
          {facilitating && muted && (
            <span class="badge badge-muted">{tr("chatPausedBadge")}</span>
          )}
        </span>
      </span>
      {facilitating && who.user_id !== model.me.userId && <PersonOptions who={who} />}
      <AttentionMark userId={who.user_id} />
    </li>
  );
}

export function People() {
  const model = useModel();
  const people = model.room?.people ?? [];
  useAttentionAlerts();
  return (
    <Section
      id="people"
      class="card room-people"
      heading={tr("peopleHeading", { count: people.length })}
    >
      <ul class="people">
        {people.map((who) => (
          <PersonRow key={who.user_id} who={who} />
        ))}
      </ul>
    </Section>
  );
}
