/**
 * The private line to the facilitators (there is none between participants): participants
 * write and get replies, and have two discreet signals; facilitators see signals and messages
 * by person and reply. Whom a facilitator writes to is always their own choice
 * (`model.privateTo`: "Reply" on a call for attention, a thread's Reply, or the list), never a
 * default that could change under them.
 */

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { type MessageKey, errorText } from "../../i18n";
import {
  LIMITS,
  type PrivateMessage,
  type ReceivedSignalKind,
  SIGNAL_KINDS,
} from "../../protocol/events";
import { canReply } from "../attention";
import { facilitates, privateRecipients, privateThreads } from "../derive";
import { useAttentionAlerts } from "./Attention";
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
            <strong>
              <bdi>{line.from.user_id === model.me.userId ? tr("you") : line.from.name}</bdi>
            </strong>
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
  inputRef?: { current: HTMLTextAreaElement | null };
}) {
  const ownRef = useRef<HTMLTextAreaElement>(null);
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
        ref={props.inputRef ?? ownRef}
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
  const { send, store } = useRoom();
  const threads = privateThreads(model.privateLines);
  const recipients = privateRecipients(model.room, model.me, model.facilitator?.lobby ?? []);
  const selectId = useId();
  const goneId = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const select = useRef<HTMLSelectElement>(null);
  const to = model.privateTo;
  const chosen = recipients.find((p) => p.user_id === to) ?? null;
  // Written to before, but no longer here: said, and not silently replaced by someone else.
  const goneName =
    to !== null && chosen === null
      ? (threads.find((t) => t.userId === to)?.name ??
        model.attention.find((a) => a.userId === to)?.name ??
        null)
      : null;
  const signals = [...model.signals].reverse();

  useEffect(() => {
    if (!model.privateFocus) {
      return;
    }
    // "Reply": straight to the message box (the list when there is nobody to write to).
    (box.current ?? select.current)?.focus();
    store.dispatch({ type: "replyFocused" });
  }, [model.privateFocus, store]);

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
          {canReply(model, thread.userId) && thread.userId !== to && (
            <button
              type="button"
              class="button secondary small"
              aria-label={tr("attentionReplyTo", { name: thread.name })}
              onClick={() => store.dispatch({ type: "replyTo", userId: thread.userId })}
            >
              {tr("attentionReply")}
            </button>
          )}
        </section>
      ))}
      {(recipients.length > 0 || goneName !== null) && (
        <div class="private-reply">
          <label for={selectId}>{tr("privateTo")}</label>
          <select
            ref={select}
            id={selectId}
            value={chosen ? String(chosen.user_id) : ""}
            aria-describedby={goneName !== null ? goneId : undefined}
            onChange={(event) => {
              const userId = Number(event.currentTarget.value);
              if (userId) {
                store.dispatch({ type: "replyTo", userId, focus: false });
              }
            }}
          >
            <option value="" disabled>
              {tr("privateToChoose")}
            </option>
            {recipients.map((p) => (
              <option key={p.user_id} value={String(p.user_id)}>
                {p.waiting ? tr("privateToWaiting", { name: p.name }) : p.name}
              </option>
            ))}
          </select>
          {goneName !== null && (
            <p id={goneId} class="hint private-gone">
              {tr("privateToGone", { name: goneName })}
            </p>
          )}
          <MessageForm
            // A fresh box for each person: a draft never goes to someone it was not written for.
            key={chosen?.user_id ?? "nobody"}
            inputRef={box}
            label={chosen ? tr("privateReplyTo", { name: chosen.name }) : tr("privateReplyLabel")}
            submitLabel={tr("sendPrivately")}
            send={async (text) => {
              if (!chosen) {
                return tr("privateToNeeded");
              }
              const ack = await send("private_reply", { user_id: chosen.user_id, text });
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
  useAttentionAlerts();
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
