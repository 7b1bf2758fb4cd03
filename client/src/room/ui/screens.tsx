/** The screens around the room: connecting, the lobby, and the calm pages after it. */

import { useEffect, useRef } from "preact/hooks";
import type { Screen } from "../model";
import { useModel, useRoom } from "./context";
import { HelpLines } from "./HelpLines";
import { LobbyCheck } from "./LobbyCheck";
import { PrivateLog } from "./PrivateLine";
import { tr } from "./text";

/** A heading that takes focus when its screen appears (if `focus`), and only then. */
export function ScreenHeading({ text, focus, id }: { text: string; focus: boolean; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) {
      ref.current?.focus();
    }
    // Only when the screen appears, never on later renders.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} class="screen-heading">
      {text}
    </h1>
  );
}

export function Connecting() {
  return (
    <section class="card narrow room-screen" aria-busy="true">
      <h1>{tr("connectingHeading")}</h1>
      <p class="muted" role="status">
        {tr("connecting")}
      </p>
    </section>
  );
}

export function Lobby({ focus }: { focus: boolean }) {
  const model = useModel();
  const { leave, title } = useRoom();
  const lobby = model.lobby;
  return (
    <section class="card narrow room-screen lobby" aria-labelledby="lobby-heading">
      <ScreenHeading id="lobby-heading" text={tr("lobbyHeading")} focus={focus} />
      <p class="muted">{title}</p>
      <div role="status" class="stack">
        <p>{lobby && !lobby.facilitator_present ? tr("lobbyNoFacilitator") : tr("lobbyWaiting")}</p>
        {lobby?.locked && <p class="notice">{tr("lobbyLocked")}</p>}
      </div>
      {model.privateLines.length > 0 && (
        <section aria-labelledby="lobby-private-heading">
          <h2 id="lobby-private-heading">{tr("privateFromFacilitators")}</h2>
          <PrivateLog lines={model.privateLines} />
        </section>
      )}
      <div class="actions">
        <button type="button" class="button secondary" onClick={leave}>
          {tr("leaveLobby")}
        </button>
      </div>
      {/* One line while closed: the check below stays within a phone's first screen. */}
      <HelpLines />
      <LobbyCheck />
    </section>
  );
}

function outcomeHeading(screen: Screen): string {
  switch (screen.kind) {
    case "ended":
      return screen.reason === "closed" ? tr("closedHeading") : tr("endedHeading");
    case "removed":
      return screen.scope === "group" ? tr("removedGroupHeading") : tr("removedHeading");
    case "declined":
      return tr("declinedHeading");
    case "left":
      return tr("leftHeading");
    default:
      return tr("refusedHeading");
  }
}

export function Outcome({ screen, focus }: { screen: Screen; focus: boolean }) {
  const { links, retry } = useRoom();
  return (
    <section class="card narrow room-screen outcome" aria-labelledby="outcome-heading">
      <ScreenHeading id="outcome-heading" text={outcomeHeading(screen)} focus={focus} />
      {screen.kind === "ended" && <p>{tr("endedThanks")}</p>}
      {screen.kind === "removed" && <p>{tr("removedText")}</p>}
      {screen.kind === "declined" && (
        <>
          <p>{tr("declinedText")}</p>
          {screen.message && (
            <figure class="facilitator-message">
              <figcaption>{tr("declinedMessage")}</figcaption>
              <blockquote>
                <p>{screen.message}</p>
              </blockquote>
            </figure>
          )}
        </>
      )}
      {screen.kind === "left" && <p>{tr("leftText")}</p>}
      {screen.kind === "refused" && <p>{screen.message}</p>}
      <div class="actions">
        {screen.kind === "refused" && screen.code === "ack_required" && (
          <a class="button primary" href={links.entry}>
            {tr("readAgreement")}
          </a>
        )}
        {((screen.kind === "refused" && !screen.final) || screen.kind === "left") && (
          <button type="button" class="button primary" onClick={retry}>
            {screen.kind === "left" ? tr("goBackIn") : tr("tryAgain")}
          </button>
        )}
        <a class="button secondary" href={links.dashboard}>
          {tr("backToMeetings")}
        </a>
      </div>
      <HelpLines />
      <p class="safety-link">
        <a href={links.safety}>{tr("safetyLink")}</a>
      </p>
    </section>
  );
}
