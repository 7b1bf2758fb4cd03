/**
 * The meeting room: header, notices, sound and picture, the speaking order, chat, people,
 * topics, private line.
 */

import { facilitates, person } from "../derive";
import { useModel, useNow, useRoom } from "./context";
import { ActionButton } from "./controls";
import { Chat } from "./Chat";
import { FacilitatorPanel } from "./Facilitator";
import { MediaSection } from "./Media";
import { People } from "./People";
import { PrivateLine } from "./PrivateLine";
import { Reactions } from "./Reactions";
import { ScreenHeading } from "./screens";
import { Speaking } from "./Speaking";
import { Topics } from "./Topics";
import { Countdown } from "./time";
import { tr } from "./text";

function StatusToggle() {
  const model = useModel();
  const away = person(model.room, model.me.userId)?.status === "away";
  return away ? (
    <ActionButton event="set_status" payload={{ status: "here" }} variant="primary">
      {tr("imBack")}
    </ActionButton>
  ) : (
    <ActionButton event="set_status" payload={{ status: "away" }} variant="secondary">
      {tr("stepOut")}
    </ActionButton>
  );
}

function Notices() {
  const model = useModel();
  const room = model.room;
  const onBreak = room?.break ?? null;
  const now = useNow(onBreak !== null);
  if (!room) {
    return null;
  }
  return (
    <div class="room-notices">
      {room.holding && (
        <p class="notice notice-warn" role="status">
          {tr("holdingNotice")}
        </p>
      )}
      {onBreak && (
        <p class="notice room-break">
          <strong>{tr("breakNotice")}</strong> {tr("breakTimeLeft")}{" "}
          <Countdown until={onBreak.until} now={now} offset={model.clockOffset} />
        </p>
      )}
      {room.content_warning && (
        <p class="notice notice-warn content-warning">
          <strong>{tr("contentWarningTitle")}</strong> {tr("contentWarningNotice")}
        </p>
      )}
    </div>
  );
}

export function Room({ focus }: { focus: boolean }) {
  const model = useModel();
  const { title, leave } = useRoom();
  const room = model.room;
  const facilitating = facilitates(model.me.role);
  const me = person(room, model.me.userId);
  return (
    <div class={facilitating ? "room room-facilitating" : "room"}>
      <header class="room-header">
        <div class="room-title">
          <ScreenHeading id="room-heading" text={title} focus={focus} />
          <p class="room-badges">
            {me && <span class="badge badge-muted">{tr("youAre", { name: me.name })}</span>}
            {room?.locked && <span class="badge badge-warn">{tr("lockedBadge")}</span>}
            {room?.floor_mode && <span class="badge badge-muted">{tr("floorModeBadge")}</span>}
            {room && !room.chat_enabled && (
              <span class="badge badge-muted">{tr("chatOffBadge")}</span>
            )}
            {me?.status === "away" && <span class="badge badge-warn">{tr("statusAway")}</span>}
          </p>
        </div>
        <div class="room-header-actions">
          <StatusToggle />
          <button type="button" class="button secondary" onClick={leave}>
            {tr("leaveMeeting")}
          </button>
        </div>
      </header>
      <Notices />
      <div class="room-layout">
        <div class="room-main">
          <MediaSection />
          <Speaking />
          <Reactions />
          <Chat />
        </div>
        <div class="room-side">
          <People />
          <PrivateLine />
          <Topics />
        </div>
        {facilitating && <FacilitatorPanel />}
      </div>
    </div>
  );
}
