/**
 * Sound and picture, the person's own side: the microphone and camera buttons of the toolbar
 * (refusals shown beside them), the settings (devices, audio only, background, unmute on the
 * floor) used in the room and in the lobby's check, and the notices that need the person now
 * (the question "Turn on your microphone?", a facilitator muted you, the browser holds sound
 * back, a weak connection). Everyone's pictures are on the stage (./Stage.tsx).
 *
 * What it shows comes from RoomMedia (../media.ts) and the room's snapshot.
 */

import { useEffect, useId, useState } from "preact/hooks";
import { errorText, type MessageKey } from "../../i18n";
import type { MediaDevice, MediaFailure, MediaResult } from "../../media/types";
import type { BackgroundMode, MediaView, RoomMedia } from "../media";
import { useMediaView, useModel, useRoom } from "./context";
import { Icon } from "./icons";
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

const ICONS = { mic: ["mic", "micOff"], camera: ["camera", "cameraOff"] } as const;

/** A microphone or camera button: its name says what a press does; a refusal shows beside it. */
function MediaToggle(props: ToggleProps) {
  const errorId = useId();
  const [turnOn, turnOff] = props.labels;
  return (
    <span class="action toolbar-item">
      <button
        ref={props.buttonRef ?? null}
        type="button"
        class={`toolbar-button media-toggle ${props.on ? "is-on" : "is-off"}`}
        data-media={props.kind}
        aria-label={tr(props.on ? turnOff : turnOn)}
        aria-describedby={props.problem ? errorId : undefined}
        aria-disabled={props.pending || undefined}
        onClick={() => {
          if (!props.pending) {
            void props.onToggle(!props.on);
          }
        }}
      >
        <Icon name={ICONS[props.kind][props.on ? 0 : 1]} />
        <span class="toolbar-label">{tr(props.kind === "mic" ? "micShort" : "cameraShort")}</span>
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

const BACKGROUNDS: ReadonlyArray<readonly [BackgroundMode, MessageKey]> = [
  ["none", "backgroundNone"],
  ["blur", "backgroundBlur"],
  ["colour", "backgroundColour"],
];

/** Blur or a plain colour behind the person, made in this browser (nothing leaves it but video). */
function BackgroundChoice({ media, view }: { media: RoomMedia; view: MediaView }) {
  const name = useId();
  const errorId = useId();
  const [problem, setProblem] = useState("");
  if (!view.backgroundSupported) {
    return <p class="hint">{tr("backgroundUnsupported")}</p>;
  }
  return (
    <fieldset class="background-choice">
      <legend>{tr("backgroundLegend")}</legend>
      <div class="choice-row">
        {BACKGROUNDS.map(([mode, label]) => (
          <label key={mode} class="radio">
            <input
              type="radio"
              name={name}
              value={mode}
              checked={view.local.background === mode}
              aria-describedby={problem ? errorId : undefined}
              onChange={() => {
                setProblem("");
                void media.setBackground(mode).then((result) => {
                  setProblem(result.ok ? "" : problemText(result, "camera"));
                });
              }}
            />
            {tr(label)}
          </label>
        ))}
      </div>
      <ProblemLine id={errorId} text={problem} />
    </fieldset>
  );
}

/** Devices, audio only, background and "unmute me when I get the floor". */
export function MediaSettings(props: { media: RoomMedia; view: MediaView; inLobby?: boolean }) {
  const { media, view, inLobby = false } = props;
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
      <BackgroundChoice media={media} view={view} />
      {!inLobby && <label class="checkbox">
        <input
          type="checkbox"
          checked={local.unmuteOnFloor}
          onChange={(event) => media.setUnmuteOnFloor(event.currentTarget.checked)}
        />
        {tr("unmuteOnFloorLabel")}
      </label>}
    </div>
  );
}

interface PartProps {
  media: RoomMedia;
  view: MediaView;
}

/** The toolbar's microphone, whose refusals are shown beside it. */
function focusMicButton(): void {
  document.querySelector<HTMLButtonElement>('.room-toolbar [data-media="mic"]')?.focus();
}

/** The microphone and camera buttons of the toolbar. */
export function MediaButtons({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  if (view.status !== "open") {
    return null;
  }
  const { local } = view;
  return (
    <>
      <MediaToggle
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
    </>
  );
}

/** The settings panel's part for sound and picture. */
export function MediaSettingsPart({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  const model = useModel();
  if (view.status === "unsupported") {
    return <p class="notice">{tr("mediaUnsupported")}</p>;
  }
  if (view.status !== "open") {
    return null;
  }
  const quietByFloor = model.room?.floor_mode === true && !view.local.maySpeak;
  return (
    <>
      {!view.local.mic && !view.local.camera && (
        <p class="hint media-choice">{tr("mediaChoice")}</p>
      )}
      {quietByFloor && <p class="hint floor-mode-hint">{tr("floorModeHint")}</p>}
      <MediaSettings media={media} view={view} />
    </>
  );
}

/** "Turn on your microphone?" — only a click on Yes turns it on. */
function UnmutePrompt({ media, view }: PartProps) {
  const questionId = useId();
  const prompt = view.prompt;
  if (!prompt) {
    return null;
  }
  const answer = (yes: boolean): void => {
    focusMicButton();
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

/** A weak connection: "Switch to audio only?", until switched or hidden. */
function WeakConnection({ media, view }: PartProps) {
  const [hidden, setHidden] = useState(false);
  if (hidden || view.ownQuality !== "poor" || view.local.audioOnly) {
    return null;
  }
  return (
    <div class="notice notice-warn media-notice" role="group" aria-label={tr("weakConnection")}>
      <p>{tr("weakConnection")}</p>
      <div class="row">
        <button
          type="button"
          class="button primary small"
          onClick={() => void media.setAudioOnly(true)}
        >
          {tr("switchToAudioOnly")}
        </button>
        <button type="button" class="button secondary small" onClick={() => setHidden(true)}>
          {tr("notNow")}
        </button>
      </div>
    </div>
  );
}

function MediaNoticesOf(props: PartProps) {
  const { media, view } = props;
  return (
    <>
      {view.audioBlocked && (
        <div class="notice notice-warn media-notice">
          <p>{tr("audioBlockedNotice")}</p>
          <button
            type="button"
            class="button primary small"
            onClick={() => {
              focusMicButton();
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
              focusMicButton();
              media.hideMutedNotice();
            }}
          >
            {tr("hideNotice")}
          </button>
        </div>
      )}
      <WeakConnection {...props} />
    </>
  );
}

/** What sound and picture need from the person now (shown at the top of the room). */
export function MediaNotices() {
  const { media } = useRoom();
  return media ? <MediaNoticesFor media={media} /> : null;
}

/** No sound and picture in this browser: said once at the top, until hidden. */
function Unsupported() {
  const [hidden, setHidden] = useState(false);
  if (hidden) {
    return null;
  }
  return (
    <div class="notice media-notice">
      <p>{tr("mediaUnsupported")}</p>
      <button type="button" class="button secondary small" onClick={() => setHidden(true)}>
        {tr("hideNotice")}
      </button>
    </div>
  );
}

function MediaNoticesFor({ media }: { media: RoomMedia }) {
  const view = useMediaView(media);
  if (view.status === "unsupported") {
    return <Unsupported />;
  }
  if (view.status !== "open") {
    return null;
  }
  return <MediaNoticesOf media={media} view={view} />;
}
