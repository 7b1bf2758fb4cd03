/** The room page: one screen at a time (connecting, lobby, room, or how it ended). */

import { useRef } from "preact/hooks";
import { isFinal } from "../model";
import { useModel } from "./context";
import { Room } from "./Room";
import { Connecting, Lobby, Outcome } from "./screens";
import { tr } from "./text";

export function ConnectionBanner() {
  const model = useModel();
  if (
    isFinal(model.screen) ||
    model.connection === "connected" ||
    model.connection === "connecting"
  ) {
    return null;
  }
  const lost = model.connection === "disconnected";
  return (
    <div class="room-banner" role="status" data-testid="connection-banner">
      <p>{lost ? tr("disconnectedBanner") : tr("reconnecting")}</p>
      {lost && (
        <button type="button" class="button small" onClick={() => window.location.reload()}>
          {tr("reconnectNow")}
        </button>
      )}
    </div>
  );
}

export function App() {
  const model = useModel();
  const kind = model.screen.kind;
  const shown = useRef<{ kind: string; focus: boolean }>({ kind, focus: false });
  if (shown.current.kind !== kind) {
    // Focus moves to the new screen's heading when the screen changes under the person (after
    // admission, when the meeting ends), not on the first screen after loading the page: then
    // "Leave quickly" stays the first stop for Tab.
    shown.current = { kind, focus: shown.current.kind !== "connecting" || isFinal(model.screen) };
  }
  const focus = shown.current.focus;

  let screen;
  switch (model.screen.kind) {
    case "connecting":
      screen = <Connecting />;
      break;
    case "lobby":
      screen = <Lobby key={kind} focus={focus} />;
      break;
    case "room":
      screen = <Room key={kind} focus={focus} />;
      break;
    default:
      screen = <Outcome key={kind} screen={model.screen} focus={focus} />;
  }
  return (
    <div class="room-app" data-screen={kind}>
      <ConnectionBanner />
      {screen}
    </div>
  );
}
