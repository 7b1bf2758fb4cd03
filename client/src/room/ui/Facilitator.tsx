/**
 * The facilitator's tools: the lobby (admit, admit all, decline with a message), the lock,
 * the turn time limit, rounds, floor mode and muting (and a notice when audio and video are not
 * relayed), chat on/off, breaks, the content warning, the speaking balance, a soft tone for
 * calls for attention, and ending the meeting (confirmed in a dialog). Per-person actions live
 * in People, queue actions in Speaking.
 */

import { useId, useState } from "preact/hooks";
import type { MessageKey } from "../../i18n";
import { LIMITS, ROUND_KINDS, type RoundKind } from "../../protocol/events";
import { roundKindKey } from "../changes";
import { formatDuration } from "../derive";
import type { RoomMedia } from "../media";
import { useMediaView, useModel, useRoom } from "./context";
import { AttentionSoundToggle, useAttentionAlerts } from "./Attention";
import { ConfirmAction } from "./ConfirmDialog";
import { ActionButton, ActionError, useAction } from "./controls";
import { LobbyTools } from "./LobbyTools";
import { Section } from "./Section";
import { tr } from "./text";

const TURN_LIMITS = [0, 60, 120, 180, 300, 600, 900];

function TurnLimit() {
  const model = useModel();
  const action = useAction();
  const current = model.room?.turn_limit ?? 0;
  const [seconds, setSeconds] = useState<number | null>(null);
  const selectId = useId();
  const value = seconds ?? current;
  const options = TURN_LIMITS.includes(current)
    ? TURN_LIMITS
    : [...TURN_LIMITS, current].sort((a, b) => a - b);
  return (
    <form
      class="panel-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const ack = await action.run("set_turn_limit", { seconds: value === 0 ? null : value });
        if (ack.ok) {
          setSeconds(null);
        }
      }}
    >
      <label for={selectId}>{tr("turnLimitLabel")}</label>
      <div class="row">
        <select
          id={selectId}
          value={String(value)}
          onChange={(event) => setSeconds(Number(event.currentTarget.value))}
        >
          {options.map((option) => (
            <option key={option} value={String(option)}>
              {option === 0
                ? tr("noLimit")
                : tr("minutesSeconds", { time: formatDuration(option) })}
            </option>
          ))}
        </select>
        <button
          type="submit"
          class="button secondary small"
          aria-describedby={action.error ? action.errorId : undefined}
        >
          {tr("setTurnLimit")}
        </button>
      </div>
      <ActionError action={action} />
    </form>
  );
}

function RoundTools() {
  const model = useModel();
  const action = useAction();
  const [kind, setKind] = useState<RoundKind>("check_in");
  const [first, setFirst] = useState("");
  const kindId = useId();
  const firstId = useId();
  const people = (model.room?.people ?? []).filter((p) => p.connected);
  if (model.room?.round) {
    return <p class="muted">{tr("roundRunning")}</p>;
  }
  return (
    <form
      class="panel-form"
      onSubmit={async (event) => {
        event.preventDefault();
        await action.run("start_round", { kind, first_user_id: first ? Number(first) : null });
      }}
    >
      <label for={kindId}>{tr("roundKindLabel")}</label>
      <select
        id={kindId}
        value={kind}
        onChange={(event) => setKind(event.currentTarget.value as RoundKind)}
      >
        {ROUND_KINDS.map((option) => (
          <option key={option} value={option}>
            {tr(roundKindKey(option))}
          </option>
        ))}
      </select>
      <label for={firstId}>{tr("roundFirstLabel")}</label>
      <select id={firstId} value={first} onChange={(event) => setFirst(event.currentTarget.value)}>
        <option value="">{tr("roundRandom")}</option>
        {people.map((p) => (
          <option key={p.user_id} value={String(p.user_id)}>
            {p.name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        class="button primary small"
        aria-describedby={action.error ? action.errorId : undefined}
      >
        {tr("startRound")}
      </button>
      <ActionError action={action} />
    </form>
  );
}

function BreakTools() {
  const model = useModel();
  const action = useAction();
  const [minutes, setMinutes] = useState("10");
  const inputId = useId();
  if (model.room?.break) {
    return (
      <ActionButton event="end_break" payload={{}} variant="secondary small">
        {tr("endBreak")}
      </ActionButton>
    );
  }
  return (
    <form
      class="panel-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const value = Number(minutes);
        if (
          !Number.isInteger(value) ||
          value < LIMITS.breakMinutesMin ||
          value > LIMITS.breakMinutesMax
        ) {
          action.setError(tr("breakMinutesInvalid"));
          return;
        }
        await action.run("start_break", { minutes: value });
      }}
    >
      <label for={inputId}>{tr("breakMinutesLabel")}</label>
      <div class="row">
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          min={LIMITS.breakMinutesMin}
          max={LIMITS.breakMinutesMax}
          value={minutes}
          aria-describedby={action.error ? action.errorId : undefined}
          onInput={(event) => setMinutes(event.currentTarget.value)}
        />
        <button type="submit" class="button secondary small">
          {tr("startBreak")}
        </button>
      </div>
      <ActionError action={action} />
    </form>
  );
}

/** What floor mode does now: off, on by the facilitators' switch, or on for a round. */
export function floorModeStatus(floorMode: boolean, round: boolean, switchOn: boolean): MessageKey {
  if (!floorMode) {
    return "floorModeOffStatus";
  }
  return round && !switchOn ? "floorModeRoundStatus" : "floorModeOnStatus";
}

/** Said calmly, in the facilitator's tools, when audio and video are not relayed (no TURN). */
function RelayNotice({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  if (view.relayed !== false) {
    return null;
  }
  return (
    <p class="notice relay-notice" data-testid="relay-notice">
      {tr("mediaNotRelayed")}
    </p>
  );
}

function SoundTools() {
  const model = useModel();
  const { media } = useRoom();
  const room = model.room;
  const switchOn = model.facilitator?.floor_mode_switch ?? room?.floor_mode ?? false;
  const status = floorModeStatus(room?.floor_mode ?? false, room?.round != null, switchOn);
  return (
    <>
      {media && <RelayNotice media={media} />}
      <p class="floor-mode-status" data-testid="floor-mode-status">
        {tr(status)}
      </p>
      <div class="row">
        <ActionButton
          event="set_floor_mode"
          payload={{ on: !switchOn }}
          variant={switchOn ? "primary small" : "secondary small"}
        >
          {switchOn ? tr("floorModeTurnOff") : tr("floorModeTurnOn")}
        </ActionButton>
        <ActionButton event="mute_all_but_floor" payload={{}} variant="secondary small">
          {tr("muteAllButFloor")}
        </ActionButton>
      </div>
      <p class="hint">{tr("floorModeToolsHint")}</p>
    </>
  );
}

function Balance() {
  const model = useModel();
  const lines = model.facilitator?.balance ?? [];
  if (lines.length === 0) {
    return <p class="muted">{tr("balanceEmpty")}</p>;
  }
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="balance-caption">
      <table class="table balance">
        <caption id="balance-caption" class="visually-hidden">
          {tr("balanceHeading")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{tr("balanceName")}</th>
            <th scope="col">{tr("balanceTurns")}</th>
            <th scope="col">{tr("balanceTime")}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.user_id}>
              <th scope="row">{line.name}</th>
              <td>{line.turns}</td>
              <td>{formatDuration(line.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FacilitatorPanel() {
  const model = useModel();
  const room = model.room;
  const barred = model.facilitator?.barred ?? [];
  useAttentionAlerts();
  return (
    <Section id="facilitator-tools" class="card room-panel" heading={tr("panelHeading")}>
      <LobbyTools />
      <Section
        id="attention-tools"
        level={3}
        class="panel-part"
        heading={tr("attentionToolsHeading")}
      >
        <p class="hint">{tr("attentionMarkHint")}</p>
        <AttentionSoundToggle />
      </Section>
      <Section id="turn-tools" level={3} class="panel-part" heading={tr("turnToolsHeading")}>
        <TurnLimit />
      </Section>
      <Section id="round-tools" level={3} class="panel-part" heading={tr("roundToolsHeading")}>
        <RoundTools />
      </Section>
      <Section id="sound-tools" level={3} class="panel-part" heading={tr("mediaToolsHeading")}>
        <SoundTools />
      </Section>
      <Section id="meeting-tools" level={3} class="panel-part" heading={tr("meetingToolsHeading")}>
        <div class="row">
          <ActionButton
            event="set_chat"
            payload={{ enabled: !(room?.chat_enabled ?? true) }}
            variant="secondary small"
          >
            {room?.chat_enabled === false ? tr("chatTurnOn") : tr("chatTurnOff")}
          </ActionButton>
          <ActionButton
            event="content_warning"
            payload={{ on: !(room?.content_warning ?? false) }}
            variant="secondary small"
          >
            {room?.content_warning ? tr("contentWarningHide") : tr("contentWarningShow")}
          </ActionButton>
        </div>
        <BreakTools />
      </Section>
      <Section id="balance-tools" level={3} class="panel-part" heading={tr("balanceHeading")}>
        <p class="hint">{tr("balanceHint")}</p>
        <Balance />
      </Section>
      {barred.length > 0 && (
        <Section id="barred-tools" level={3} class="panel-part" heading={tr("barredHeading")}>
          <ul>
            {barred.map((who) => (
              <li key={who.user_id}>{who.name}</li>
            ))}
          </ul>
        </Section>
      )}
      <Section id="end-tools" level={3} class="panel-part" heading={tr("endToolsHeading")}>
        <ConfirmAction
          event="end_meeting"
          payload={{}}
          variant="danger"
          heading={tr("endMeetingQuestion")}
          consequence={tr("endMeetingConsequence")}
          confirmLabel={tr("endMeetingConfirm")}
        >
          {tr("endMeeting")}
        </ConfirmAction>
      </Section>
    </Section>
  );
}
