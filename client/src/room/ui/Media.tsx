/**
 * Sound and picture: the person's own microphone and camera buttons (refusals shown beside
 * them), the question "Turn on your microphone?", the notices (a facilitator muted you, the
 * browser holds sound back), the settings (devices, audio only, unmute on the floor), and a tile
 * for each person here: name, microphone, a "speaking" mark, and their camera when it is on.
 *
 * What it shows comes from RoomMedia (../media.ts) and the room's snapshot (`mic`, `camera`,
 * `muted`, `floor_mode`, `may_speak`). Video elements are always muted: the session plays the
 * sound itself, silenced for anyone who may not speak now.
 */

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { errorText, type MessageKey } from "../../i18n";
import type { MediaDevice, MediaFailure, MediaResult } from "../../media/types";
import type { RoomPerson } from "../../protocol/events";
import type { MediaView, RoomMedia } from "../media";
import { useMediaView, useModel, useRoom } from "./context";
import { RoleBadge } from "./RoleBadge";
import { Section } from "./Section";
import { roomLanguage, tr } from "./text";

const PROBLEM_KEYS: Readonly<Record<string, readonly [MessageKey, MessageKey]>> = {
  denied: ["mediaDeniedMic", "mediaDeniedCamera"],
  no_device: ["mediaNoMic", "mediaNoCamera"],
  device_failed: ["mediaMicFailed", "mediaCameraFailed"],
};

const CODE_KEYS: Readonly<Record<string, MessageKey>> = {
  audio_only: "mediaAudioOnly",
  may_not_speak: "mediaMayNotSpeak",
  closed: "mediaClosed",
};

/** The words for a refusal, by its code (the media layer's own messages are English only). */
export function problemText(problem: MediaFailure | null, device: "mic" | "camera"): string {
  if (!problem) {
    return "";
  }
  const pair = PROBLEM_KEYS[problem.code];
  if (pair) {
    return tr(device === "mic" ? pair[0] : pair[1]);
  }
  const key = CODE_KEYS[problem.code];
  return key ? tr(key) : errorText(problem, roomLanguage());
}

function ProblemLine({ id, text }: { id: string; text: string }) {
  return (
    <p id={id} class="error action-error" role="status">
      {text}
    </p>
  );
}

type ButtonRef = { current: HTMLButtonElement | null };

interface ToggleProps {
  buttonRef?: ButtonRef;
  on: boolean;
  pending: boolean;
  problem: string;
  labels: readonly [MessageKey, MessageKey];
  kind: "mic" | "camera";
  onToggle: (on: boolean) => Promise<MediaResult>;
}

/** A microphone or camera button: its name says what a press does; a refusal shows below it. */
function MediaToggle(props: ToggleProps) {
  const errorId = useId();
  const [turnOn, turnOff] = props.labels;
  return (
    <span class="action">
      <button
        ref={props.buttonRef ?? null}
        type="button"
        class={`button media-toggle ${props.on ? "primary is-on" : "secondary"}`}
        data-media={props.kind}
        aria-describedby={props.problem ? errorId : undefined}
        aria-disabled={props.pending || undefined}
        onClick={() => {
          if (!props.pending) {
            void props.onToggle(!props.on);
          }
        }}
      >
        <span class={`media-icon media-icon-${props.kind}`} aria-hidden="true" />
        {tr(props.on ? turnOff : turnOn)}
      </button>
      <ProblemLine id={errorId} text={props.problem} />
    </span>
  );
}

function deviceName(device: MediaDevice, index: number, unnamed: MessageKey): string {
  return device.label || tr(unnamed, { number: index + 1 });
}

interface DeviceChoiceProps {
  label: MessageKey;
  unnamed: MessageKey;
  devices: MediaDevice[];
  value: string | null;
  problem?: string;
  onChoose: (deviceId: string) => void;
}

function DeviceChoice(props: DeviceChoiceProps) {
  const id = useId();
  const errorId = useId();
  return (
    <div class="media-device">
      <label for={id}>{tr(props.label)}</label>
      <select
        id={id}
        value={props.value ?? ""}
        aria-describedby={props.problem ? errorId : undefined}
        onChange={(event) => props.onChoose(event.currentTarget.value)}
      >
        <option value="">{tr("deviceDefault")}</option>
        {props.devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {deviceName(device, index, props.unnamed)}
          </option>
        ))}
      </select>
      {props.problem !== undefined && <ProblemLine id={errorId} text={props.problem} />}
    </div>
  );
}

function Settings({ media, view }: { media: RoomMedia; view: MediaView }) {
  const { devices, local } = view;
  const unnamed = [...devices.microphones, ...devices.cameras].every((device) => !device.label);
  useEffect(() => {
    void media.refreshDevices();
  }, [media]);
  return (
    <div class="media-settings">
      <DeviceChoice
        label="micDeviceLabel"
        unnamed="micUnnamed"
        devices={devices.microphones}
        value={local.micDeviceId}
        problem={problemText(view.problems.micDevice, "mic")}
        onChoose={(deviceId) => void media.chooseMicrophone(deviceId || null)}
      />
      <DeviceChoice
        label="cameraDeviceLabel"
        unnamed="cameraUnnamed"
        devices={devices.cameras}
        value={local.cameraDeviceId}
        problem={problemText(view.problems.cameraDevice, "camera")}
        onChoose={(deviceId) => void media.chooseCamera(deviceId)}
      />
      {view.canChooseSpeakers && devices.speakers.length > 0 && (
        <DeviceChoice
          label="speakerDeviceLabel"
          unnamed="speakerUnnamed"
          devices={devices.speakers}
          value={view.speakerId}
          onChoose={(deviceId) => void media.chooseSpeakers(deviceId)}
        />
      )}
      {unnamed && <p class="hint">{tr("devicesHint")}</p>}
      <label class="checkbox">
        <input
          type="checkbox"
          checked={local.audioOnly}
          onChange={(event) => void media.setAudioOnly(event.currentTarget.checked)}
        />
        {tr("audioOnlyLabel")}
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={local.unmuteOnFloor}
          onChange={(event) => media.setUnmuteOnFloor(event.currentTarget.checked)}
        />
        {tr("unmuteOnFloorLabel")}
      </label>
    </div>
  );
}

interface PartProps {
  media: RoomMedia;
  view: MediaView;
  /** The microphone button: focus goes there when a notice or question it answers goes away. */
  micButton: ButtonRef;
}

function OwnControls({ media, view, micButton }: PartProps) {
  const model = useModel();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const { local } = view;
  const quietByFloor = model.room?.floor_mode === true && !local.maySpeak;
  return (
    <div class="media-controls">
      {!local.mic && !local.camera && <p class="hint media-choice">{tr("mediaChoice")}</p>}
      {quietByFloor && <p class="hint floor-mode-hint">{tr("floorModeHint")}</p>}
      <div class="row media-buttons">
        <MediaToggle
          buttonRef={micButton}
          kind="mic"
          on={local.mic}
          pending={view.pending.mic}
          problem={problemText(view.problems.mic, "mic")}
          labels={["micTurnOn", "micTurnOff"]}
          onToggle={(on) => media.setMic(on)}
        />
        <MediaToggle
          kind="camera"
          on={local.camera}
          pending={view.pending.camera}
          problem={problemText(view.problems.camera, "camera")}
          labels={["cameraTurnOn", "cameraTurnOff"]}
          onToggle={(on) => media.setCamera(on)}
        />
        <button
          type="button"
          class="button secondary"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          {tr("mediaSettings")}
        </button>
      </div>
      <div id={panelId} hidden={!open}>
        {open && <Settings media={media} view={view} />}
      </div>
    </div>
  );
}

/** "Turn on your microphone?" — only a click on Yes turns it on. */
function UnmutePrompt({ media, view, micButton }: PartProps) {
  const questionId = useId();
  const prompt = view.prompt;
  if (!prompt) {
    return null;
  }
  const answer = (yes: boolean): void => {
    micButton.current?.focus();
    void media.answerPrompt(yes);
  };
  return (
    <div class="notice media-prompt" role="group" aria-labelledby={questionId}>
      <p id={questionId}>
        {prompt.reason === "floor"
          ? tr("promptFloor")
          : tr("promptAsked", { name: prompt.by.name })}
      </p>
      <div class="row">
        <button type="button" class="button primary small" onClick={() => answer(true)}>
          {tr("promptYes")}
        </button>
        <button type="button" class="button secondary small" onClick={() => answer(false)}>
          {tr("promptNo")}
        </button>
      </div>
    </div>
  );
}

function Notices(props: PartProps) {
  const { media, view, micButton } = props;
  return (
    <>
      {view.audioBlocked && (
        <div class="notice notice-warn media-notice">
          <p>{tr("audioBlockedNotice")}</p>
          <button
            type="button"
            class="button primary small"
            onClick={() => {
              micButton.current?.focus();
              media.resumeAudio();
            }}
          >
            {tr("turnOnSound")}
          </button>
        </div>
      )}
      <UnmutePrompt {...props} />
      {view.mutedBy && (
        <div class="notice notice-warn media-notice">
          <p>{tr("mutedNotice", { name: view.mutedBy.name })}</p>
          <button
            type="button"
            class="button secondary small"
            onClick={() => {
              micButton.current?.focus();
              media.hideMutedNotice();
            }}
          >
            {tr("hideNotice")}
          </button>
        </div>
      )}
    </>
  );
}

/** A camera picture: always muted (sound plays in the session, through its gate). */
function Video({ stream, label, mine }: { stream: MediaStream; label: string; mine: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  const tracks = stream.getVideoTracks().length;
  useEffect(() => {
    const video = ref.current;
    if (video) {
      video.muted = true;
      video.srcObject = stream;
    }
  }, [stream, tracks]);
  useEffect(
    () => () => {
      if (ref.current) {
        ref.current.srcObject = null;
      }
    },
    [],
  );
  return (
    <video
      ref={ref}
      class={mine ? "tile-video is-mine" : "tile-video"}
      aria-label={label}
      muted
      autoplay
      playsInline
      disablePictureInPicture
    />
  );
}

interface TileProps {
  who: RoomPerson;
  mine: boolean;
  view: MediaView;
  hasFloor: boolean;
}

function Tile({ who, mine, view, hasFloor }: TileProps) {
  const local = view.local;
  const micOn = mine ? local.mic : who.mic;
  const muted = !micOn && who.muted;
  const speaking = view.speaking.has(who.user_id);
  const remote = view.remote.get(who.user_id);
  const stream = mine
    ? local.camera
      ? view.preview
      : null
    : who.camera && !local.audioOnly && remote && remote.getVideoTracks().length > 0
      ? remote
      : null;
  const classes = [
    "tile",
    speaking ? "is-speaking" : "",
    hasFloor ? "has-floor" : "",
    who.connected ? "" : "is-disconnected",
  ];
  return (
    <li class={classes.join(" ").replace(/\s+/g, " ").trim()} data-user-id={who.user_id}>
      <div class="tile-picture">
        {stream ? (
          <Video
            stream={stream}
            mine={mine}
            label={mine ? tr("tileYourCamera") : tr("tileCameraOf", { name: who.name })}
          />
        ) : (
          <span class="tile-initial" aria-hidden="true">
            {who.name.slice(0, 1).toUpperCase()}
          </span>
        )}
      </div>
      <p class="tile-caption">
        <span class="tile-name">
          {who.name}
          <RoleBadge userId={who.user_id} />
          {mine && <span class="muted"> {tr("youSuffix")}</span>}
        </span>
        <span class="tile-states">
          <span class={micOn ? "tile-mic is-on" : "tile-mic"} data-testid="tile-mic">
            <span class={`media-icon media-icon-mic${micOn ? "" : " is-off"}`} aria-hidden="true" />
            {micOn ? tr("tileMicOn") : muted ? tr("tileMuted") : tr("tileMicOff")}
          </span>
          {speaking && <span class="badge badge-ok tile-speaking">{tr("tileSpeaking")}</span>}
        </span>
      </p>
    </li>
  );
}

function Tiles({ view }: { view: MediaView }) {
  const model = useModel();
  const room = model.room;
  const me = model.me.userId;
  const people = room?.people ?? [];
  // Myself first, then everyone in the room's order; facilitators are marked in People.
  const ordered = [
    ...people.filter((p) => p.user_id === me),
    ...people.filter((p) => p.user_id !== me),
  ];
  return (
    <ul class="tiles" aria-label={tr("tilesLabel")}>
      {ordered.map((who) => (
        <Tile
          key={who.user_id}
          who={who}
          mine={who.user_id === me}
          view={view}
          hasFloor={room?.floor?.user_id === who.user_id}
        />
      ))}
    </ul>
  );
}

function MediaParts({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  const micButton = useRef<HTMLButtonElement>(null);
  if (view.status === "unsupported") {
    return <p class="notice">{tr("mediaUnsupported")}</p>;
  }
  if (view.status !== "open") {
    return null;
  }
  return (
    <>
      <Notices media={media} view={view} micButton={micButton} />
      <OwnControls media={media} view={view} micButton={micButton} />
      <Tiles view={view} />
    </>
  );
}

export function MediaSection() {
  const { media } = useRoom();
  if (!media) {
    return null;
  }
  return (
    <Section id="media" class="card room-media" heading={tr("mediaHeading")}>
      <MediaParts media={media} />
    </Section>
  );
}
