/**
 * The chat: no history (only what arrived while this page was here), a 1000-character limit
 * with a counter, deleted messages vanish; off and "you are muted" states.
 */

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { LIMITS } from "../../protocol/events";
import { facilitates } from "../derive";
import { useModel, useRoom } from "./context";
import { ActionButton, ActionError, useAction } from "./controls";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { clockTime } from "./time";
import { tr } from "./text";

function ChatLog() {
  const model = useModel();
  const list = useRef<HTMLOListElement>(null);
  const facilitating = facilitates(model.me.role);
  const count = model.chat.length;
  useEffect(() => {
    const element = list.current;
    // Follow new messages unless the person scrolled up to read.
    if (element && element.scrollHeight - element.scrollTop - element.clientHeight < 120) {
      element.scrollTop = element.scrollHeight;
    }
  }, [count]);
  if (count === 0) {
    return <p class="muted chat-empty">{tr("chatEmpty")}</p>;
  }
  return (
    <ol ref={list} class="chat-log" aria-label={tr("chatMessages")} tabIndex={0}>
      {model.chat.map((message) => (
        <li
          key={message.id}
          class={message.from.user_id === model.me.userId ? "chat-message mine" : "chat-message"}
        >
          <p class="chat-meta">
            <strong>
              <bdi>{message.from.name}</bdi>
            </strong>
            <RoleBadge userId={message.from.user_id} />{" "}
            <time class="muted">{clockTime(message.at)}</time>
          </p>
          <p class="chat-text">{message.text}</p>
          {facilitating && (
            <ActionButton
              event="delete_chat"
              payload={{ message_id: message.id }}
              variant="danger small"
              label={tr("deleteMessageFrom", { name: message.from.name })}
            >
              {tr("deleteMessage")}
            </ActionButton>
          )}
        </li>
      ))}
    </ol>
  );
}

function ChatForm() {
  const model = useModel();
  const { store } = useRoom();
  const action = useAction();
  const [text, setText] = useState("");
  const inputId = useId();
  const countId = useId();
  const hintId = useId();
  const facilitating = facilitates(model.me.role);
  const off = model.room?.chat_enabled === false && !facilitating;
  const blocked = off || model.chatMuted;
  const left = LIMITS.chat - text.length;

  async function submit(): Promise<void> {
    if (!text.trim()) {
      action.setError(tr("chatEmptyText"));
      return;
    }
    const ack = await action.run("chat", { text });
    if (ack.ok) {
      setText("");
    } else {
      store.dispatch({ type: "chatRefused", code: ack.error.code });
    }
  }

  return (
    <form
      class="chat-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label for={inputId}>{tr("chatLabel")}</label>
      <textarea
        id={inputId}
        rows={2}
        maxLength={LIMITS.chat}
        value={text}
        disabled={blocked}
        aria-describedby={[countId, hintId, action.error ? action.errorId : ""].join(" ").trim()}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void submit();
          }
        }}
      />
      <div class="chat-form-row">
        <p id={countId} class={left < 50 ? "hint counter counter-low" : "hint counter"}>
          {tr("charactersLeft", { count: left })}
        </p>
        <button
          type="submit"
          class="button primary"
          disabled={blocked}
          aria-disabled={action.pending || undefined}
        >
          {tr("sendToEveryone")}
        </button>
      </div>
      <p id={hintId} class="hint">
        {tr("chatHint")}
      </p>
      <ActionError action={action} />
    </form>
  );
}

export function Chat() {
  const model = useModel();
  const facilitating = facilitates(model.me.role);
  const off = model.room?.chat_enabled === false;
  return (
    <Section id="chat" class="card room-chat" heading={tr("chatHeading")}>
      <p class="muted">{tr("chatNotSaved")}</p>
      {off && <p class="notice">{facilitating ? tr("chatOffFacilitator") : tr("chatOffNotice")}</p>}
      {model.chatMuted && <p class="notice notice-warn">{tr("chatMutedNotice")}</p>}
      <ChatLog />
      <ChatForm />
    </Section>
  );
}
