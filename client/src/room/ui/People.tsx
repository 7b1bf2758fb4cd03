/**
 * Who is here: pseudonyms, roles, statuses (stepping out, reconnecting), raised hands and a
 * visible mark on whoever has the floor. Facilitators open each person's options (the floor,
 * the hand, their microphone: mute, or ask to unmute; chat; removal).
 */

import { useId, useState } from "preact/hooks";
import type { RoomPerson } from "../../protocol/events";
import { facilitates, queuePosition } from "../derive";
import { useModel } from "./context";
import { ActionButton, ConfirmButton } from "./controls";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { tr } from "./text";

function PersonOptions({ who }: { who: RoomPerson }) {
  const model = useModel();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const name = who.name;
  const muted = model.facilitator?.chat_muted.includes(who.user_id) ?? false;
  const inQueue = queuePosition(model.room, who.user_id) !== null;
  const isFacilitator = facilitates(who.role);
  const round = model.room?.round != null;
  const maySpeak = model.room?.may_speak.includes(who.user_id) ?? false;
  return (
    <div class="person-options">
      <button
        type="button"
        class="button secondary small"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={tr("optionsFor", { name })}
        onClick={() => setOpen(!open)}
      >
        {tr("options")}
      </button>
      <div id={panelId} class="person-actions" hidden={!open}>
        {open && (
          <>
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
            {!isFacilitator && (
              <ConfirmButton
                event="remove_from_meeting"
                payload={{ user_id: who.user_id }}
                variant="danger small"
                label={tr("removeFromMeetingName", { name })}
                question={tr("removeFromMeetingQuestion", { name })}
                confirmLabel={tr("removeFromMeetingConfirm")}
              >
                {tr("removeFromMeeting")}
              </ConfirmButton>
            )}
            {!isFacilitator && (
              <ConfirmButton
                event="remove_from_group"
                payload={{ user_id: who.user_id }}
                variant="danger small"
                label={tr("removeFromGroupName", { name })}
                question={tr("removeFromGroupQuestion", { name })}
                confirmLabel={tr("removeFromGroupConfirm")}
              >
                {tr("removeFromGroup")}
              </ConfirmButton>
            )}
          </>
        )}
      </div>
    </div>
  );
}

export function People() {
  const model = useModel();
  const room = model.room;
  const people = room?.people ?? [];
  const facilitating = facilitates(model.me.role);
  return (
    <Section
      id="people"
      class="card room-people"
      heading={tr("peopleHeading", { count: people.length })}
    >
      <ul class="people">
        {people.map((who) => {
          const speaking = room?.floor?.user_id === who.user_id;
          const position = queuePosition(room, who.user_id);
          const muted = model.facilitator?.chat_muted.includes(who.user_id) ?? false;
          const classes = [
            "person",
            speaking ? "has-floor" : "",
            who.connected ? "" : "is-disconnected",
          ];
          return (
            <li key={who.user_id} class={classes.join(" ").trim()} data-user-id={who.user_id}>
              <span class="person-mark" aria-hidden="true" />
              <span class="person-main">
                <span class="person-name">
                  {who.name}
                  {who.user_id === model.me.userId && <span class="muted"> {tr("youSuffix")}</span>}
                </span>
                <span class="person-badges">
                  <RoleBadge userId={who.user_id} />
                  {speaking && <span class="badge badge-ok">{tr("speakingBadge")}</span>}
                  {position !== null && <span class="badge">{tr("handBadge", { position })}</span>}
                  {who.status === "away" && (
                    <span class="badge badge-warn">{tr("statusAway")}</span>
                  )}
                  {!who.connected && (
                    <span class="badge badge-muted">{tr("statusDisconnected")}</span>
                  )}
                  {facilitating && muted && (
                    <span class="badge badge-muted">{tr("chatPausedBadge")}</span>
                  )}
                </span>
              </span>
              {facilitating && who.user_id !== model.me.userId && <PersonOptions who={who} />}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
