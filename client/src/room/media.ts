/**
 * Sound and picture in the room: the person's MediaSession (../media), opened over the room's
 * own connection once they are admitted, and what the room's UI shows of it — the buttons'
 * states, the tiles' streams, who is speaking, the question "Turn on your microphone?", the
 * notices and the refusals — in one small store (`get`, `subscribe`), like the room's model.
 *
 * - Nothing is turned on here by itself: the microphone and the camera go on only from the
 *   person's own click (or their own "unmute me when I get the floor" choice, in the session).
 * - The session closes, stopping every track and closing every connection, when the person is
 *   out of the meeting (left, removed, ended) and on quick exit (`close`, registered by mount).
 * - Without WebRTC in the browser the room works as before, without sound and picture.
 *
 * The screens are in ui/Media.tsx; docs/media.md describes the session's API.
 */

import { MediaSession } from "../media/session";
import { type MediaConnection, bindRoom, roomSignalling } from "../media/room-link";
import type {
  LocalMediaState,
  MediaDevices,
  MediaFailure,
  MediaResult,
  MediaSignalling,
  UnmutePrompt,
} from "../media/types";
import type { RoomSnapshot, Sender } from "../protocol/events";
import type { Announcement } from "./changes";
import { facilitates } from "./derive";
import { type Me, type RoomModel, type RoomStore, isFinal } from "./model";

/** The controls whose refusals are shown beside them. */
export type MediaControl = "mic" | "camera" | "micDevice" | "cameraDevice";

export interface MediaView {
  /** `waiting`: not admitted yet; `open`; `unsupported`: no WebRTC here; `closed`: for good. */
  status: "waiting" | "open" | "unsupported" | "closed";
  local: LocalMediaState;
  /** This person's camera, for their own tile. */
  preview: MediaStream | null;
  /** Everyone else's incoming audio and video, by user id (audio plays in the session). */
  remote: ReadonlyMap<number, MediaStream>;
  /** Goes up whenever a stream gains or loses a track (the same object with new content). */
  streams: number;
  speaking: ReadonlySet<number>;
  /** The question "Turn on your microphone?", while it waits for an answer. */
  prompt: UnmutePrompt | null;
  /** A facilitator turned this person's microphone off (until they turn it on or hide it). */
  mutedBy: Sender | null;
  /** The browser waits for a click before it plays sound. */
  audioBlocked: boolean;
  problems: Readonly<Record<MediaControl, MediaFailure | null>>;
  pending: Readonly<Record<"mic" | "camera", boolean>>;
  devices: MediaDevices;
  /** The speakers chosen here (null: the browser's choice). */
  speakerId: string | null;
  canChooseSpeakers: boolean;
  /**
   * Whether audio and video go only through a relay (TURN), hiding everyone's network address
   * (null: not known; only a facilitator's page asks, to tell them when it is not so).
   */
  relayed: boolean | null;
}

/** A session for this page, or null where the browser has no WebRTC. */
export type SessionFactory = (signalling: MediaSignalling) => MediaSession | null;

export interface RoomMediaOptions {
  me: Me;
  store: RoomStore;
  connection: MediaConnection;
  createSession?: SessionFactory;
  /** Say something in the room's polite live region. */
  speak?: (announcement: Announcement) => void;
  canChooseSpeakers?: boolean;
}

const QUIET: LocalMediaState = {
  mic: false,
  camera: false,
  audioOnly: false,
  unmuteOnFloor: false,
  maySpeak: false,
  micDeviceId: null,
  cameraDeviceId: null,
};

const NO_PROBLEMS = { mic: null, camera: null, micDevice: null, cameraDevice: null } as const;

export function initialMediaView(canChooseSpeakers = false): MediaView {
  return {
    status: "waiting",
    local: QUIET,
    preview: null,
    remote: new Map(),
    streams: 0,
    speaking: new Set(),
    prompt: null,
    mutedBy: null,
    audioBlocked: false,
    problems: NO_PROBLEMS,
    pending: { mic: false, camera: false },
    devices: { microphones: [], cameras: [], speakers: [] },
    speakerId: null,
    canChooseSpeakers,
    relayed: null,
  };
}

/** The browser's session, where the browser can do WebRTC at all. */
export const browserSession: SessionFactory = (signalling) => {
  if (typeof RTCPeerConnection !== "function" || typeof MediaStream !== "function") {
    return null;
  }
  try {
    return new MediaSession({ signalling });
  } catch {
    return null;
  }
};

/** Whether this browser lets a page choose the speakers (`setSinkId`). */
export function browserCanChooseSpeakers(): boolean {
  return typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
}

function isButton(control: MediaControl): control is "mic" | "camera" {
  return control === "mic" || control === "camera";
}

const CLOSED: MediaFailure = { ok: false, code: "closed", message: "Media is closed." };

export class RoomMedia {
  private view: MediaView;
  private session: MediaSession | null = null;
  private closed = false;
  private readonly listeners = new Set<(view: MediaView) => void>();
  private stops: Array<() => void> = [];
  private readonly stopFollowing: () => void;
  // The person's own requests underway: their refusals are shown by the control that asked.
  private asking = 0;
  // Whether the microphone was on when a facilitator's mute arrived (else nothing to say).
  private micOnWhenMuted = false;

  constructor(private readonly options: RoomMediaOptions) {
    this.view = initialMediaView(options.canChooseSpeakers ?? false);
    this.stopFollowing = options.store.subscribe((model) => this.follow(model));
    this.follow(options.store.get());
  }

  get(): MediaView {
    return this.view;
  }

  subscribe(listener: (view: MediaView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The session while it is open (tests look at it). */
  get current(): MediaSession | null {
    return this.session;
  }

  // ---- what the person does -----------------------------------------------------------------

  /** Microphone on (only while they may speak) or off; a refusal is shown beside the button. */
  setMic(on: boolean): Promise<MediaResult> {
    return this.run("mic", (session) => {
      this.unblockAudio(session);
      return session.setMicEnabled(on);
    });
  }

  setCamera(on: boolean): Promise<MediaResult> {
    return this.run("camera", (session) => {
      this.unblockAudio(session);
      return session.setCamera(on);
    });
  }

  /** "Turn on your microphone?": yes turns it on (a click: the person's consent); no keeps it off. */
  answerPrompt(yes: boolean): Promise<MediaResult> {
    this.update({ prompt: null });
    return yes ? this.setMic(true) : Promise.resolve({ ok: true });
  }

  hideMutedNotice(): void {
    this.update({ mutedBy: null });
  }

  /** "Turn on sound", after the browser held sound back (call from a click). */
  resumeAudio(): void {
    const session = this.session;
    if (session) {
      this.unblockAudio(session);
    }
  }

  chooseMicrophone(deviceId: string | null): Promise<MediaResult> {
    return this.run("micDevice", (session) => session.setMicDevice(deviceId));
  }

  chooseCamera(deviceId: string): Promise<MediaResult> {
    return this.run("cameraDevice", (session) =>
      session.setCamera(session.state.camera, deviceId),
    );
  }

  async chooseSpeakers(deviceId: string): Promise<void> {
    const session = this.session;
    if (session) {
      this.update({ speakerId: deviceId || null });
      await session.setOutputDevice(deviceId).catch(() => undefined);
    }
  }

  async setAudioOnly(on: boolean): Promise<void> {
    await this.session?.setAudioOnly(on).catch(() => undefined);
    if (on) {
      this.update({ problems: { ...this.view.problems, camera: null } });
    }
  }

  setUnmuteOnFloor(on: boolean): void {
    this.session?.setUnmuteOnFloor(on);
  }

  /** Ask the browser which microphones, cameras and speakers there are. */
  async refreshDevices(): Promise<void> {
    const session = this.session;
    if (session) {
      const devices = await session.listDevices();
      if (this.session === session) {
        this.update({ devices });
      }
    }
  }

  /** Stop every track and close every connection, at once (quick exit, leaving). */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const session = this.session;
    this.session = null;
    for (const stop of [this.stopFollowing, ...this.stops, () => session?.close()]) {
      try {
        stop();
      } catch {
        // Closing must finish whatever one step does.
      }
    }
    this.stops = [];
    this.view = { ...initialMediaView(this.view.canChooseSpeakers), status: "closed" };
    this.notify();
  }

  // ---- inside ------------------------------------------------------------------------------

  private follow(model: RoomModel): void {
    if (this.closed) {
      return;
    }
    if (isFinal(model.screen)) {
      this.close();
      return;
    }
    if (model.screen.kind === "room" && this.view.status === "waiting") {
      this.open(model.room);
    }
    const prompt = this.view.prompt;
    if (prompt?.reason === "floor" && model.room?.floor?.user_id !== this.options.me.userId) {
      this.update({ prompt: null }); // the floor moved on before an answer
    }
  }

  private open(room: RoomSnapshot | null): void {
    const { connection, me } = this.options;
    const create = this.options.createSession ?? browserSession;
    const session = create(roomSignalling(connection));
    if (!session) {
      this.update({ status: "unsupported" });
      return;
    }
    this.session = session;
    this.stops = [
      // Before bindRoom's own handler: was the microphone on when the mute came?
      connection.on("mute_request", () => {
        this.micOnWhenMuted = session.state.mic;
      }),
      session.on("change", (state) => this.changed(state)),
      session.on("localStream", (stream) => this.update({ preview: stream })),
      session.on("remoteStream", (userId, stream) => this.remoteStream(userId, stream)),
      session.on("speaking", (userId, speaking) => this.speaking(userId, speaking)),
      session.on("unmutePrompt", (prompt) => this.prompted(prompt)),
      session.on("muted", (by) => this.muted(by)),
      session.on("audioBlocked", () => this.audioBlocked()),
      session.on("error", (failure) => {
        // The person's own requests show their refusals themselves; this is the rest (their
        // "unmute me when I get the floor" choice failing).
        if (this.asking === 0) {
          this.update({ problems: { ...this.view.problems, mic: failure } });
        }
      }),
    ];
    session.start(me.userId);
    this.stops.push(bindRoom(session, connection));
    this.update({ status: "open", local: session.state });
    if (facilitates(me.role)) {
      void session.relayed().then((relayed) => {
        if (this.session === session) {
          this.update({ relayed });
        }
      });
    }
    if (room) {
      session.applyRoom(room);
    }
  }

  private async run(
    control: MediaControl,
    work: (session: MediaSession) => Promise<MediaResult>,
  ): Promise<MediaResult> {
    const session = this.session;
    if (!session) {
      return CLOSED;
    }
    this.asking += 1;
    this.update({
      problems: { ...this.view.problems, [control]: null },
      ...(isButton(control) ? { pending: { ...this.view.pending, [control]: true } } : {}),
    });
    let result: MediaResult;
    try {
      result = await work(session);
    } catch {
      result = { ok: false, code: "device_failed", message: "" };
    } finally {
      this.asking -= 1;
    }
    if (this.session === session) {
      this.update({
        problems: { ...this.view.problems, [control]: result.ok ? null : result },
        ...(isButton(control) ? { pending: { ...this.view.pending, [control]: false } } : {}),
      });
      if (result.ok && isButton(control)) {
        void this.refreshDevices(); // the devices' names appear once one was allowed
      }
    }
    return result;
  }

  private unblockAudio(session: MediaSession): void {
    void session.resumeAudio().catch(() => undefined);
    if (this.view.audioBlocked) {
      this.update({ audioBlocked: false });
    }
  }

  private changed(state: LocalMediaState): void {
    const before = this.view.local;
    const patch: Partial<MediaView> = { local: state };
    if (state.mic) {
      patch.prompt = null;
      patch.mutedBy = null;
    }
    if (!state.maySpeak) {
      patch.prompt = null;
      if (before.mic && !state.mic && !this.closed && this.asking === 0) {
        this.say({ key: "sayMicOffFloor" });
      }
    }
    this.update(patch);
  }

  private remoteStream(userId: number, stream: MediaStream | null): void {
    const remote = new Map(this.view.remote);
    if (stream) {
      remote.set(userId, stream);
    } else {
      remote.delete(userId);
    }
    this.update({ remote, streams: this.view.streams + 1 });
  }

  private speaking(userId: number, speaking: boolean): void {
    const next = new Set(this.view.speaking);
    if (speaking) {
      next.add(userId);
    } else {
      next.delete(userId);
    }
    this.update({ speaking: next });
  }

  private prompted(prompt: UnmutePrompt): void {
    this.update({ prompt });
    this.say(
      prompt.reason === "floor"
        ? { key: "sayUnmutePrompt" }
        : { key: "sayUnmuteAsked", params: { name: prompt.by.name } },
    );
  }

  private muted(by: Sender): void {
    const wasOn = this.micOnWhenMuted;
    this.micOnWhenMuted = false;
    if (wasOn) {
      this.update({ mutedBy: by, prompt: null });
      this.say({ key: "sayMutedBy", params: { name: by.name } });
    }
  }

  private audioBlocked(): void {
    if (!this.view.audioBlocked) {
      this.update({ audioBlocked: true });
      this.say({ key: "sayAudioBlocked" });
    }
  }

  private say(announcement: Announcement): void {
    this.options.speak?.(announcement);
  }

  private update(patch: Partial<MediaView>): void {
    if (this.closed && patch.status !== "closed") {
      return;
    }
    this.view = { ...this.view, ...patch };
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.view);
      } catch {
        // One broken listener does not stop the others.
      }
    }
  }
}
