/**
 * The meeting room: a header, what needs the person now, the stage with everyone's picture, the
 * open panel (a sheet on a phone, a column on a wide screen) and the toolbar.
 */

import { facilitates, person } from "../derive";
import { AttentionList } from "./Attention";
import { useModel, useRoom } from "./context";
import { LayoutContext, useLayoutState } from "./layout";
import { Now } from "./Now";
import { Panels, StatusToggle } from "./Panels";
import { ScreenHeading } from "./screens";
import { Shortcuts } from "./Shortcuts";
import { Stage } from "./Stage";
import { Toolbar } from "./Toolbar";
import { tr } from "./text";
import { UnreadContext, useUnreadState } from "./unread";

/**
 * A name set inside a sentence, kept in its own direction (U+2068 FIRST STRONG ISOLATE …
 * U+2069): a Latin name in Arabic text, or an Arabic name in English, stays whole and readable.
 */
function isolated(name: string): string {
  return `\u2068${name}\u2069`;
}

export function Room({ focus }: { focus: boolean }) {
  const model = useModel();
  const { title, leave } = useRoom();
  const layout = useLayoutState();
  const unread = useUnreadState(model);
  const room = model.room;
  const facilitating = facilitates(model.me.role);
  const me = person(room, model.me.userId);
  return (
    <LayoutContext.Provider value={layout}>
      <UnreadContext.Provider value={unread}>
        <div class={facilitating ? "room room-facilitating" : "room"}>
          <header class="room-header">
            <div class="room-title">
              <ScreenHeading id="room-heading" text={title} focus={focus} />
              <p class="room-badges">
                {me && (
                  <span class="badge badge-muted">{tr("youAre", { name: isolated(me.name) })}</span>
                )}
                {room?.locked && <span class="badge badge-warn">{tr("lockedBadge")}</span>}
                {room?.floor_mode && (
                  <span class="badge badge-muted">{tr("floorModeBadge")}</span>
                )}
                {room && !room.chat_enabled && (
                  <span class="badge badge-muted">{tr("chatOffBadge")}</span>
                )}
                {me?.status === "away" && (
                  <span class="badge badge-warn">{tr("statusAway")}</span>
                )}
              </p>
            </div>
            <div class="room-header-actions">
              <StatusToggle />
              <button type="button" class="button secondary" onClick={leave}>
                {tr("leaveMeeting")}
              </button>
            </div>
          </header>
          <Now>{facilitating && <AttentionList />}</Now>
          <div class="room-body">
            <Stage />
            <Panels />
          </div>
          <Toolbar />
          <Shortcuts />
        </div>
      </UnreadContext.Provider>
    </LayoutContext.Provider>
  );
}
