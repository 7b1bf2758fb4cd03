/**
 * What needs the person now, at the top of the room on every screen size: a paused meeting, a
 * break, a content warning, the question "Turn on your microphone?", "It's your turn" with
 * "I'm done" and "Pass", "You have the floor", a private message waiting, and for facilitators
 * everyone who is asking for their attention.
 */

import type { ComponentChildren } from "preact";
import { facilitates, hasFloor, isMyTurn } from "../derive";
import { useModel, useNow, useRoom } from "./context";
import { ActionButton } from "./controls";
import { MediaNotices } from "./Media";
import { FloorClock } from "./Speaking";
import { Countdown } from "./time";
import { tr } from "./text";
import { useUnread } from "./unread";

function RoomNotices() {
  const model = useModel();
  const room = model.room;
  const onBreak = room?.break ?? null;
  const now = useNow(onBreak !== null);
  if (!room) {
    return null;
  }
  return (
    <>
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
    </>
  );
}

/** My turn in a round, or the floor given to me: what to say it with and how to end it. */
function MyTurn() {
  const model = useModel();
  const room = model.room;
  const me = model.me.userId;
  const inRound = isMyTurn(room, me);
  if (!inRound && !hasFloor(room, me)) {
    return null;
  }
  return (
    <div class="notice now-turn floor-mine" role="group" aria-labelledby="now-turn-text">
      <p id="now-turn-text" class="floor-holder" data-testid="your-turn">
        <span class="floor-mark" aria-hidden="true" />
        <strong>{tr(inRound ? "yourTurn" : "youHaveFloor")}</strong>
      </p>
      <FloorClock />
      {inRound ? (
        <div class="row">
          <ActionButton event="round_next" payload={{}} variant="primary">
            {tr("roundDoneButton")}
          </ActionButton>
          <ActionButton event="round_pass" payload={{}} variant="secondary">
            {tr("pass")}
          </ActionButton>
        </div>
      ) : (
        room?.floor?.via !== "round" && (
          <div class="row">
            <ActionButton event="yield_floor" payload={{}} variant="primary">
              {tr("yieldFloor")}
            </ActionButton>
          </div>
        )
      )}
    </div>
  );
}

function PrivateWaiting() {
  const model = useModel();
  const { store } = useRoom();
  const unread = useUnread();
  // Facilitators see who wrote to them among the calls for their attention.
  if (unread.private === 0 || facilitates(model.me.role)) {
    return null;
  }
  return (
    <div class="notice now-private" role="group" aria-labelledby="now-private-text">
      <p id="now-private-text">{tr("privateWaiting", { count: unread.private })}</p>
      <button
        type="button"
        class="button primary small"
        onClick={() => store.dispatch({ type: "panel", panel: "private" })}
      >
        {tr("readPrivate")}
      </button>
    </div>
  );
}

export function Now({ children }: { children?: ComponentChildren }) {
  return (
    <div class="room-now" data-testid="room-now">
      <RoomNotices />
      <MediaNotices />
      <MyTurn />
      <PrivateWaiting />
      {children}
    </div>
  );
}
