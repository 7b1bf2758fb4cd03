/**
 * The room's toolbar: on a phone fixed at the bottom, within reach of a thumb; on a wide screen
 * under the stage. The microphone, the camera, the hand (or "Pass" when it is my turn in a
 * round), and the panels — chat, people and the speaking order, the private line, the
 * facilitator's tools, and "More" — of which one is open at a time (`model.panel`).
 */

import type { ComponentChildren } from "preact";
import type { MessageKey } from "../../i18n";
import { facilitates, isMyTurn, queuePosition } from "../derive";
import type { Panel } from "../model";
import { useModel, useRoom } from "./context";
import { ActionError, useAction } from "./controls";
import { Icon, type IconName } from "./icons";
import { MediaButtons } from "./Media";
import { tr } from "./text";
import { useUnread } from "./unread";

/** The hand: raise or lower it; in a round, on my turn, "Pass". */
export function HandButton() {
  const model = useModel();
  const action = useAction();
  const room = model.room;
  const myTurn = isMyTurn(room, model.me.userId);
  const raised = queuePosition(room, model.me.userId) !== null;
  type Hand = ["round_pass" | "lower_hand" | "raise_hand", MessageKey, IconName];
  const [event, label, icon]: Hand = myTurn
    ? ["round_pass", "pass", "pass"]
    : raised
      ? ["lower_hand", "lowerHand", "hand"]
      : ["raise_hand", "raiseHand", "hand"];
  return (
    <span class="action toolbar-item">
      <button
        type="button"
        class={`toolbar-button hand-button${raised ? " is-on" : ""}`}
        data-testid="hand-button"
        aria-label={myTurn ? undefined : tr(label)}
        aria-describedby={action.error ? action.errorId : undefined}
        aria-disabled={action.pending || undefined}
        onClick={() => {
          if (!action.pending) {
            void action.run(event, {});
          }
        }}
      >
        <Icon name={icon} />
        <span class="toolbar-label">{tr(myTurn ? "pass" : "handShort")}</span>
      </button>
      <ActionError action={action} />
    </span>
  );
}

interface PanelButtonProps {
  panel: Panel;
  icon: IconName;
  label: MessageKey;
  /** What arrived while the panel was closed. */
  count?: number;
}

function PanelButton({ panel, icon, label, count = 0 }: PanelButtonProps) {
  const model = useModel();
  const { store } = useRoom();
  const open = model.panel === panel;
  return (
    <span class="toolbar-item">
      <button
        type="button"
        class={`toolbar-button${open ? " is-open" : ""}`}
        data-panel={panel}
        aria-expanded={open}
        aria-controls="room-panel"
        onClick={() => store.dispatch({ type: "panel", panel: open ? null : panel })}
      >
        <Icon name={icon} />
        <span class="toolbar-label">{tr(label)}</span>
        {count > 0 && (
          <span class="toolbar-count">
            <span aria-hidden="true">{count}</span>
            <span class="visually-hidden">{tr("unreadCount", { count })}</span>
          </span>
        )}
      </button>
    </span>
  );
}

export function Toolbar({ children }: { children?: ComponentChildren }) {
  const model = useModel();
  const { media } = useRoom();
  const unread = useUnread();
  const facilitating = facilitates(model.me.role);
  return (
    <nav class="room-toolbar" aria-label={tr("toolbarLabel")}>
      {media && <MediaButtons media={media} />}
      {!facilitating && <HandButton />}
      <PanelButton panel="chat" icon="chat" label="chatHeading" count={unread.chat} />
      <PanelButton panel="people" icon="people" label="peopleButton" />
      <PanelButton panel="private" icon="private" label="privateButton" count={unread.private} />
      {facilitating && <PanelButton panel="facilitator" icon="tools" label="toolsButton" />}
      <PanelButton panel="more" icon="more" label="moreButton" />
      {children}
    </nav>
  );
}
