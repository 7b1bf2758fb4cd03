/**
 * The private line to the facilitators (there is none between participants): participants
 * write and get replies, and have two discreet signals; facilitators see signals and messages
 * by person and reply.
 */

import { useId, useState } from "preact/hooks";
import { type MessageKey, errorText } from "../../i18n";
import {
  LIMITS,
  type PrivateMessage,
  type ReceivedSignalKind,
  SIGNAL_KINDS,
} from "../../protocol/events";
import { facilitates, privateRecipients, privateThreads } from "../derive";
import { useModel, useRoom } from "./context";
import { useAction } from "./controls";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { clockTime } from "./time";
import { roomLanguage, tr } from "./text";

export const SIGNAL_KEYS: Record<ReceivedSignalKind, MessageKey> = {
  need_break: "signalNeedBreak",
  not_ok: "signalNotOk",
  left_quickly: "signalLeftQuickly",
};

export function PrivateLog({ lines }: { lines: PrivateMessage[] }) {
  const model = useModel();
  return (
    <ol class="private-log">
      {lines.map((line) => (
        <li
          key={line.id}
          class={line.from.user_id === model.me.userId ? "private-message mine" : "private-message"}
        >
          <p class="chat-meta">
            <strong>{line.from.user_id === model.me.userId ? tr("you") : line.from.name}</strong>
            {line.from.user_id !== model.me.userId && <RoleBadge userId={line.from.user_id} />}{" "}
            <time class="muted">{clockTime(line.at)}</time>
          </p>
          <p class="chat-text">{line.text}</p>
        </li>
      ))}
    </ol>
  );
}

/** A message box with its own counter and refusal line; `send` returns whether it went. */
function MessageForm(props: {
  label: string;
  submitLabel: string;
  send: (text: string) => Promise<boolean | string>;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const [pending, setPending] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const countId = useId();
  return (
    <form
      class="private-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!text.trim()) {
          setError(tr("chatEmptyText"));
          return;
        }
        setPending(true);
        const result = await props.send(text);
        setPending(false);
        if (result === true) {
          setText("");
          setError("");
        } else {
          setError(typeof result === "string" ? result : "");
        }
      }}
    >
      <label for={inputId}>{props.label}</label>
      <textarea
        id={inputId}
        rows={2}
        maxLength={LIMITS.privateMessage}
        value={text}
        aria-describedby={[countId, error ? errorId : ""].join(" ").trim()}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <div class="chat-form-row">
        <p id={countId} class="hint counter">
          {tr("charactersLeft", { count: LIMITS.privateMessage - text.length })}
        </p>
        <button type="submit" class="button secondary" aria-disabled={pending || undefined}>
          {props.submitLabel}
        </button>
      </div>
      <p id={errorId} class="error action-error" role="status">
        {error}
      </p>
    </form>
  );
}

function Signals() {
  const action = useAction();
  const [sent, setSent] = useState("");
  return (
    <div class="signals" role="group" aria-labelledby="signals-label">
      <p id="signals-label" class="hint">
        {tr("signalsLabel")}
      </p>
      <div class="row">
        {SIGNAL_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            class="button secondary small"
            aria-describedby={action.errorId}
            onClick={async () => {
              setSent("");
              const ack = await action.run("signal", { kind });
              if (ack.ok) {
                setSent(tr("signalSent"));
              }
            }}
          >
            {tr(SIGNAL_KEYS[kind])}
          </button>
        ))}
      </div>
      <p
        id={action.errorId}
        class={action.error ? "error action-error" : "hint action-error"}
        role="status"
      >
        {action.error || sent}
      </p>
    </div>
  );
}

function ParticipantLine() {
  const model = useModel();
  const { send, store } = useRoom();
  return (
    <>
      <p class="muted">{tr("privateOnlyFacilitators")}</p>
      {model.privateLines.length > 0 && <PrivateLog lines={model.privateLines} />}
      <MessageForm
        label={tr("privateLabel")}
        submitLabel={tr("sendToFacilitators")}
        send={async (text) => {
          const ack = await send("private_message", { text });
          if (!ack.ok) {
            return errorText(ack.error, roomLanguage());
          }
          const me = { user_id: model.me.userId, name: model.me.name };
          const message = {
            meeting_id: 0,
            id: ack.data.id,
            from: me,
            to: null,
            text,
            at: Date.now() / 1000,
          };
          store.dispatch({ type: "sentPrivate", message });
          return true;
        }}
      />
      <Signals />
    </>
  );
}

function FacilitatorLine() {
  const model = useModel();
  const { send } = useRoom();
  const threads = privateThreads(model.privateLines);
  const recipients = privateRecipients(model.room, model.me);
  const [to, setTo] = useState<number | null>(null);
  const selectId = useId();
  const chosen = to ?? threads[0]?.userId ?? recipients[0]?.user_id ?? null;
  const signals = [...model.signals].reverse();
  return (
    <>
      {signals.length > 0 && (
        <ul class="signal-list" aria-label={tr("signalsReceived")}>
          {signals.map((signal) => (
            <li key={signal.key} class="signal">
              <span class="badge badge-warn">{tr(SIGNAL_KEYS[signal.kind])}</span>{" "}
              <strong>{signal.from.name}</strong> <time class="muted">{clockTime(signal.at)}</time>
            </li>
          ))}
        </ul>
      )}
      {threads.length === 0 && signals.length === 0 && <p class="muted">{tr("privateEmpty")}</p>}
      {threads.map((thread) => (
        <section
          key={thread.userId}
          class="private-thread"
          aria-label={tr("privateWith", { name: thread.name })}
        >
          <h3>{thread.name}</h3>
          <PrivateLog lines={thread.lines} />
        </section>
      ))}
      {recipients.length > 0 && chosen !== null && (
        <div class="private-reply">
          <label for={selectId}>{tr("privateTo")}</label>
          <select
            id={selectId}
            value={String(chosen)}
            onChange={(event) => setTo(Number(event.currentTarget.value))}
          >
            {recipients.map((p) => (
              <option key={p.user_id} value={String(p.user_id)}>
                {p.name}
              </option>
            ))}
          </select>
          <MessageForm
            label={tr("privateReplyLabel")}
            submitLabel={tr("sendPrivately")}
            send={async (text) => {
              const ack = await send("private_reply", { user_id: chosen, text });
              return ack.ok ? true : errorText(ack.error, roomLanguage());
            }}
          />
        </div>
      )}
    </>
  );
}

export function PrivateLine() {
  const model = useModel();
  const facilitating = facilitates(model.me.role);
  return (
    <Section
      id="private"
      class="card room-private"
      heading={facilitating ? tr("privateHeadingFacilitator") : tr("privateHeading")}
    >
      {facilitating ? <FacilitatorLine /> : <ParticipantLine />}
    </Section>
  );
}
