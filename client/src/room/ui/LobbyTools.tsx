/**
 * The lobby in the facilitator's tools: who waits (admit, or decline with a short message that
 * is relayed, not kept), admit everyone, and the lock.
 */

import { useId, useState } from "preact/hooks";
import { LIMITS, type LobbyPerson } from "../../protocol/events";
import { useModel } from "./context";
import { ActionButton, ActionError, useAction } from "./controls";
import { Section } from "./Section";
import { tr } from "./text";

function Waiting({ who }: { who: LobbyPerson }) {
  const action = useAction();
  const [declining, setDeclining] = useState(false);
  const [message, setMessage] = useState("");
  const inputId = useId();
  return (
    <li class="lobby-entry">
      <span class="person-name">
        <bdi>{who.name}</bdi>
        {!who.connected && <span class="badge badge-muted">{tr("statusDisconnected")}</span>}
      </span>
      <span class="row">
        <ActionButton
          event="admit"
          payload={{ user_id: who.user_id }}
          variant="primary small"
          label={tr("admitName", { name: who.name })}
        >
          {tr("admit")}
        </ActionButton>
        <button
          type="button"
          class="button secondary small"
          aria-expanded={declining}
          aria-label={tr("declineName", { name: who.name })}
          onClick={() => setDeclining(!declining)}
        >
          {tr("decline")}
        </button>
      </span>
      {declining && (
        <form
          class="decline-form"
          onSubmit={async (event) => {
            event.preventDefault();
            await action.run("decline", { user_id: who.user_id, message: message.trim() });
          }}
        >
          <label for={inputId}>{tr("declineMessageLabel")}</label>
          <input
            id={inputId}
            type="text"
            maxLength={LIMITS.declineMessage}
            value={message}
            aria-describedby={action.error ? action.errorId : undefined}
            onInput={(event) => setMessage(event.currentTarget.value)}
          />
          <button type="submit" class="button danger small">
            {tr("declineConfirm")}
          </button>
          <ActionError action={action} />
        </form>
      )}
    </li>
  );
}

export function LobbyTools() {
  const model = useModel();
  const lobby = model.facilitator?.lobby ?? [];
  const locked = model.room?.locked ?? false;
  return (
    <Section
      id="lobby-tools"
      level={3}
      class="panel-part"
      heading={tr("lobbyToolsHeading", { count: lobby.length })}
    >
      {lobby.length === 0 ? (
        <p class="muted">{tr("lobbyEmpty")}</p>
      ) : (
        <ul class="lobby-list">
          {lobby.map((who) => (
            <Waiting key={who.user_id} who={who} />
          ))}
        </ul>
      )}
      <div class="row">
        {lobby.length > 1 && (
          <ActionButton event="admit_all" payload={{}} variant="secondary small">
            {tr("admitAll")}
          </ActionButton>
        )}
        <ActionButton event="lock" payload={{ locked: !locked }} variant="secondary small">
          {locked ? tr("unlockRoom") : tr("lockRoom")}
        </ActionButton>
      </div>
      <p class="hint">{locked ? tr("lockedHint") : tr("unlockedHint")}</p>
    </Section>
  );
}
