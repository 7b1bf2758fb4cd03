/**
 * The check before entering, while the person waits in the lobby: their camera's picture (off
 * until they turn it on), a level that moves when the microphone hears them, a test sound for
 * the speakers, the devices, audio only and the background. What they choose goes into the
 * room with them (in this page's memory only); the camera stays on if they turned it on here,
 * the microphone does not (the room may be in floor mode).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import type { MediaResult } from "../../media/types";
import type { MediaView, RoomMedia } from "../media";
import { useMediaView, useRoom } from "./context";
import { MediaSettings, problemText } from "./Media";
import { tr } from "./text";

function Preview({ stream }: { stream: MediaStream | null }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (video) {
      video.muted = true;
      video.srcObject = stream;
    }
  }, [stream]);
  return (
    <div class="check-preview" data-testid="check-preview">
      {stream ? (
        <video
          ref={ref}
          aria-label={tr("tileYourCamera")}
          muted
          autoplay
          playsInline
          disablePictureInPicture
        />
      ) : (
        <span>{tr("checkCameraOff")}</span>
      )}
    </div>
  );
}

function Checks({ media, view }: { media: RoomMedia; view: MediaView }) {
  const [problem, setProblem] = useState("");
  const [sound, setSound] = useState("");
  const run = (ask: Promise<MediaResult>, device: "mic" | "camera"): void => {
    setProblem("");
    void ask.then((result) => setProblem(result.ok ? "" : problemText(result, device)));
  };
  const check = view.check;
  const level = Math.round(check.level * 100);
  return (
    <>
      <Preview stream={check.camera} />
      <div class="row">
        <button
          type="button"
          class={`button ${check.camera ? "primary" : "secondary"}`}
          aria-pressed={check.camera !== null}
          onClick={() => run(media.checkCamera(check.camera === null), "camera")}
        >
          {tr("checkCamera")}
        </button>
        <button
          type="button"
          class={`button ${check.micOn ? "primary" : "secondary"}`}
          aria-pressed={check.micOn}
          onClick={() => run(media.checkMic(!check.micOn), "mic")}
        >
          {tr("checkMic")}
        </button>
        <button
          type="button"
          class="button secondary"
          onClick={() => {
            setSound("");
            void media.playTestSound().then((result) => {
              setSound(result.ok ? tr("testSoundPlayed") : problemText(result, "mic"));
            });
          }}
        >
          {tr("testSound")}
        </button>
      </div>
      {check.micOn && (
        <div class="level">
          <label for="check-level">{tr("checkLevel")}</label>
          <meter
            id="check-level"
            class="level-meter"
            min={0}
            max={100}
            low={10}
            value={level}
            data-testid="level-meter"
          >
            {level}%
          </meter>
        </div>
      )}
      <p class="hint" role="status">
        {problem || sound}
      </p>
      <p class="hint">{tr("checkCarried")}</p>
    </>
  );
}

function CheckOf({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  if (view.status === "unsupported") {
    return null;
  }
  return (
    <section class="lobby-check" aria-labelledby="check-heading">
      <h2 id="check-heading">{tr("checkHeading")}</h2>
      <Checks media={media} view={view} />
      <MediaSettings media={media} view={view} inLobby />
    </section>
  );
}

export function LobbyCheck() {
  const { media } = useRoom();
  return media ? <CheckOf media={media} /> : null;
}
