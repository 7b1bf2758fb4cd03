/**
 * One voice at a time: who has the floor (with the turn's countdown), a running round (the
 * order, whose turn, "I'm done" and "Pass"), and the queue with Raise / Lower hand.
 */

import {
  facilitates,
  floorClock,
  hasFloor,
  isMyTurn,
  nameOf,
  queuePosition,
  roundInfo,
} from "../derive";
import { roundKindKey } from "../changes";
import { useModel, useNow } from "./context";
import { ActionButton } from "./controls";
import { ConfirmAction } from "./ConfirmDialog";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { Countdown } from "./time";
import { tr } from "./text";

export function FloorClock() {
  const model = useModel();
  const floor = model.room?.floor ?? null;
  const now = useNow(floor?.deadline != null && !floor.paused && !floor.time_up);
  const clock = floorClock(model.room, now, model.clockOffset);
  if (!floor || !clock) {
    return null;
  }
  return (
    <>
      {clock.secondsLeft !== null && !clock.timeUp && (
        <p class="floor-time">
          {tr("timeLeft")}{" "}
          {clock.paused ? (
            <span class="countdown">{tr("paused")}</span>
          ) : (
            <Countdown until={floor.deadline ?? 0} now={now} offset={model.clockOffset} />
          )}
        </p>
      )}
      {clock.timeUp && (
        <p class="notice notice-warn time-up" data-testid="time-up">
          {floor.user_id === model.me.userId ? tr("timeUpYou") : tr("timeUp")}
        </p>
      )}
    </>
  );
}

function Floor() {
  const model = useModel();
  const room = model.room;
  const floor = room?.floor ?? null;
  const mine = hasFloor(room, model.me.userId);
  if (!floor) {
    return <p class="floor floor-empty muted">{tr("nobodyHasFloor")}</p>;
  }
  return (
    <div class={mine ? "floor floor-mine" : "floor"}>
      <p class="floor-holder" data-testid="floor-holder">
        <span class="floor-mark" aria-hidden="true" />
        <span>
          {mine ? tr("youHaveFloor") : tr("hasFloor", { name: nameOf(room, floor.user_id) })}
          {!mine && <RoleBadge userId={floor.user_id} />}
        </span>
      </p>
      <FloorClock />
    </div>
  );
}

function Round() {
  const model = useModel();
  const room = model.room;
  const info = roundInfo(room);
  if (!info) {
    return null;
  }
  const myTurn = isMyTurn(room, model.me.userId);
  const current = info.steps.find((step) => step.current);
  return (
    <div class="round">
      <h3 id="round-heading">
        {tr(roundKindKey(info.kind))}{" "}
        <span class="muted">
          {tr("roundProgress", { position: info.position, total: info.total })}
        </span>
      </h3>
      <ol class="round-order" aria-label={tr("roundOrder")}>
        {info.steps.map((step) => (
          <li
            key={step.userId}
            class={step.current ? "current" : step.done ? "done" : undefined}
            aria-current={step.current ? "step" : undefined}
          >
            {step.name}
            {step.userId === model.me.userId && <span class="muted"> {tr("youSuffix")}</span>}
            <RoleBadge userId={step.userId} />
            {step.current && <span class="visually-hidden"> {tr("roundNow")}</span>}
            {step.done && <span class="visually-hidden"> {tr("roundDone")}</span>}
          </li>
        ))}
      </ol>
      <div class={myTurn ? "floor floor-mine" : "floor"}>
        <p class="floor-holder" data-testid="floor-holder">
          <span class="floor-mark" aria-hidden="true" />
          <span>
            {myTurn ? tr("yourTurn") : tr("theirTurn", { name: current?.name ?? "?" })}
            {!myTurn && <RoleBadge userId={info.currentId} />}
          </span>
        </p>
        <FloorClock />
      </div>
      <div class="row">
        {!myTurn && facilitates(model.me.role) && (
          <ActionButton event="round_next" payload={{}} variant="secondary">
            {tr("roundNextButton")}
          </ActionButton>
        )}
        {facilitates(model.me.role) && (
          <ActionButton event="end_round" payload={{}} variant="secondary">
            {tr("endRound")}
          </ActionButton>
        )}
      </div>
    </div>
  );
}

function QueueEntry({ userId, index, last }: { userId: number; index: number; last: boolean }) {
  const model = useModel();
  const name = nameOf(model.room, userId);
  const facilitating = facilitates(model.me.role);
  return (
    <li class="queue-entry">
      <span class="queue-name">
        <bdi>{name}</bdi>
        {userId === model.me.userId && <span class="muted"> {tr("youSuffix")}</span>}
        <RoleBadge userId={userId} />
      </span>
      {facilitating && (
        <span class="row queue-actions">
          {!model.room?.round && (
            <ActionButton
              event="give_floor"
              payload={{ user_id: userId }}
              variant="secondary small"
              label={tr("giveFloorTo", { name })}
            >
              {tr("giveFloor")}
            </ActionButton>
          )}
          <ActionButton
            event="move_in_queue"
            payload={{ user_id: userId, direction: "up" }}
            variant="secondary small"
            label={tr("moveUpName", { name })}
            disabled={index === 0}
          >
            <span aria-hidden="true">↑</span>
          </ActionButton>
          <ActionButton
            event="move_in_queue"
            payload={{ user_id: userId, direction: "down" }}
            variant="secondary small"
            label={tr("moveDownName", { name })}
            disabled={last}
          >
            <span aria-hidden="true">↓</span>
          </ActionButton>
          <ActionButton
            event="lower_hand_of"
            payload={{ user_id: userId }}
            variant="secondary small"
            label={tr("lowerHandOf", { name })}
          >
            {tr("lowerHandShort")}
          </ActionButton>
        </span>
      )}
    </li>
  );
}

function Queue() {
  const model = useModel();
  const room = model.room;
  const queue = room?.queue ?? [];
  const position = queuePosition(room, model.me.userId);
  const facilitating = facilitates(model.me.role);
  return (
    <div class="queue">
      <h3 id="queue-heading">{tr("queueHeading")}</h3>
      {queue.length > 0 ? (
        <ol class="queue-list" aria-labelledby="queue-heading">
          {queue.map((userId, index) => (
            <QueueEntry
              key={userId}
              userId={userId}
              index={index}
              last={index === queue.length - 1}
            />
          ))}
        </ol>
      ) : (
        <p class="muted">{tr("queueEmpty")}</p>
      )}
      <p class="queue-position" role="status">
        {position !== null ? tr("queuePosition", { position }) : ""}
      </p>
      <div class="row">
        {/* A participant's hand is in the toolbar; a facilitator's here. */}
        {facilitating &&
          (position === null ? (
            <ActionButton event="raise_hand" payload={{}} variant="secondary">
              {tr("raiseHand")}
            </ActionButton>
          ) : (
            <ActionButton event="lower_hand" payload={{}} variant="secondary">
              {tr("lowerHand")}
            </ActionButton>
          ))}
        {facilitating && !room?.round && (
          <>
            <ActionButton event="next_speaker" payload={{}} variant="primary">
              {tr("nextSpeaker")}
            </ActionButton>
            {room?.floor && (
              <ActionButton event="take_floor" payload={{}} variant="secondary">
                {tr("takeFloor")}
              </ActionButton>
            )}
            {queue.length > 0 && (
              <ConfirmAction
                event="clear_queue"
                payload={{}}
                variant="secondary"
                heading={tr("clearQueueHeading")}
                consequence={tr("clearQueueConsequence", { count: queue.length })}
                confirmLabel={tr("clearQueueConfirm")}
              >
                {tr("clearQueue")}
              </ConfirmAction>
            )}
          </>
        )}
      </div>
    </div>
  );
}

export function Speaking() {
  const model = useModel();
  return (
    <Section id="speaking" class="card room-speaking" heading={tr("speakingHeading")}>
      {model.room?.round ? <Round /> : <Floor />}
      <Queue />
    </Section>
  );
}
