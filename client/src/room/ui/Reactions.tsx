/** Reactions: a fixed set, relayed to everyone and shown for a few seconds, never kept. */

import { useEffect } from "preact/hooks";
import { REACTION_KINDS, type ReactionKind } from "../../protocol/events";
import type { MessageKey } from "../../i18n";
import { visibleReactions } from "../derive";
import { useModel, useNow, useRoom } from "./context";
import { ActionButton } from "./controls";
import { Section } from "./Section";
import { tr } from "./text";

export const REACTION_KEYS: Record<ReactionKind, MessageKey> = {
  hear_you: "reactHearYou",
  me_too: "reactMeToo",
  thank_you: "reactThankYou",
};

export function Reactions() {
  const model = useModel();
  const { store } = useRoom();
  const now = useNow(model.reactions.length > 0, 2000);
  useEffect(() => {
    store.dispatch({ type: "expire", now });
  }, [now, store]);
  const shown = visibleReactions(model.reactions, now);
  return (
    <Section id="reactions" class="card room-reactions" heading={tr("reactionsHeading")}>
      <div class="row" role="group" aria-labelledby="reactions-heading">
        {REACTION_KINDS.map((kind) => (
          <ActionButton key={kind} event="react" payload={{ kind }} variant="secondary small">
            {tr(REACTION_KEYS[kind])}
          </ActionButton>
        ))}
      </div>
      <ul class="reaction-list" aria-label={tr("recentReactions")}>
        {shown.map((line) => (
          <li key={line.key} class="reaction">
            <strong>{line.from.name}</strong>: {tr(REACTION_KEYS[line.kind])}
          </li>
        ))}
      </ul>
    </Section>
  );
}
