/** Topics chosen together: propose, +1, and the one the facilitator picked, highlighted. */

import { useId, useState } from "preact/hooks";
import { LIMITS } from "../../protocol/events";
import { facilitates, topicItems } from "../derive";
import { useModel } from "./context";
import { ActionButton, ActionError, useAction } from "./controls";
import { Section } from "./Section";
import { tr } from "./text";

function ProposeForm() {
  const action = useAction();
  const [text, setText] = useState("");
  const inputId = useId();
  return (
    <form
      class="topic-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!text.trim()) {
          action.setError(tr("topicEmptyText"));
          return;
        }
        const ack = await action.run("propose_topic", { text });
        if (ack.ok) {
          setText("");
        }
      }}
    >
      <label for={inputId}>{tr("proposeTopicLabel")}</label>
      <div class="row">
        <input
          id={inputId}
          type="text"
          maxLength={LIMITS.topic}
          value={text}
          autocomplete="off"
          aria-describedby={action.error ? action.errorId : undefined}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" class="button secondary">
          {tr("propose")}
        </button>
      </div>
      <ActionError action={action} />
    </form>
  );
}

export function Topics() {
  const model = useModel();
  const items = topicItems(model.room, model.topicTexts, model.me.userId);
  const facilitating = facilitates(model.me.role);
  return (
    <Section id="topics" class="card room-topics" heading={tr("topicsHeading")}>
      {items.length === 0 ? (
        <p class="muted">{tr("topicsEmpty")}</p>
      ) : (
        <ul class="topics">
          {items.map((topic) => {
            const text = topic.text ?? tr("topicTextUnknown");
            return (
              <li
                key={topic.id}
                class={topic.picked ? "topic picked" : "topic"}
                aria-current={topic.picked ? "true" : undefined}
              >
                <p class="topic-text">
                  {topic.picked && <span class="badge badge-ok">{tr("topicPicked")}</span>} {text}
                </p>
                <div class="row topic-actions">
                  <span class="muted topic-votes">{tr("topicVotes", { count: topic.votes })}</span>
                  <ActionButton
                    event="vote_topic"
                    payload={{ topic_id: topic.id, vote: !topic.votedByMe }}
                    variant="secondary small"
                    pressed={topic.votedByMe}
                    label={tr("voteTopic", { text })}
                  >
                    +1
                  </ActionButton>
                  {(topic.proposedByMe || facilitating) && (
                    <ActionButton
                      event="withdraw_topic"
                      payload={{ topic_id: topic.id }}
                      variant="secondary small"
                      label={tr("withdrawTopicName", { text })}
                    >
                      {tr("withdrawTopic")}
                    </ActionButton>
                  )}
                  {facilitating && (
                    <ActionButton
                      event="pick_topic"
                      payload={{ topic_id: topic.picked ? null : topic.id }}
                      variant="secondary small"
                      label={tr(topic.picked ? "unpickTopicName" : "pickTopicName", { text })}
                    >
                      {topic.picked ? tr("unpickTopic") : tr("pickTopic")}
                    </ActionButton>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <ProposeForm />
    </Section>
  );
}
