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
 * - In the lobby the person can check their camera, microphone and speakers and make their
 *   choices (devices, audio only, background): the session exists but connects to nobody until
 *   they are admitted, and keeps those choices for the room (in page memory only). A camera
 *   turned on in the check stays on in the room; the check's microphone never goes anywhere and
 *   is closed on entering (in the room the microphone starts off, as floor mode may require).
 *
 * The screens are in ui/; docs/media.md describes the session's API and this one.
 */

import { MediaCheck, NO_CHECK } from "../media/check";
import { CLOSED, UNSUPPORTED } from "../media/results";
import { MediaSession } from "../media/session";
import { type MediaConnection, bindRoom, roomSignalling } from "../media/room-link";
import type {
  BackgroundMode,
  ConnectionQuality,
  LocalMediaState,
  MediaResult,
  MediaSignalling,
  UnmutePrompt,
} from "../media/types";
import { type MediaControl, type MediaView, initialMediaView, isPendingControl } from "../media/view";
import type { RoomSnapshot, Sender } from "../protocol/events";
import type { Announcement } from "./changes";
import { facilitates } from "./derive";
import { type Me, type RoomModel, type RoomStore, isFinal } from "./model";

export type { BackgroundMode, ConnectionQuality };
export {
  type MediaCheckView,
  type MediaControl,
  type MediaView,
  type PendingControl,
  initialMediaView,
} from "../media/view";

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

export class RoomMedia {
  private view: MediaView;
  /** The session, made at once (it connects to nobody before `open`), or null: no WebRTC. */
  private prepared: MediaSession | null = null;
  /** The same session once the person is admitted and it started. */
  private session: MediaSession | null = null;
  /** The check before entering, until the person is admitted. */
  private check: MediaCheck | null = null;
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
    this.prepare();
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

  /** Another microphone: now if it is on (in the room or in the check), else when it goes on. */
  chooseMicrophone(deviceId: string | null): Promise<MediaResult> {
    return this.run(
      "micDevice",
      async (session) => {
        const result = await session.setMicDevice(deviceId);
        return result.ok && this.check?.micIsOn ? this.check.micOn() : result;
      },
      "any",
    );
  }

  /** Another camera: now if it is on (in the room or in the check), else when it goes on. */
  chooseCamera(deviceId: string): Promise<MediaResult> {
    return this.run(
      "cameraDevice",
      async (session) => {
        if (this.session !== session) {
          await session.setCamera(false, deviceId); // only the choice: nothing is on before entering
          return this.check?.cameraIsOn ? this.check.cameraOn() : { ok: true };
        }
        return session.setCamera(session.state.camera, deviceId);
      },
      "any",
    );
  }

  async chooseSpeakers(deviceId: string): Promise<void> {
    const session = this.prepared;
    if (session && !this.closed) {
      this.update({ speakerId: deviceId || null });
      await session.setOutputDevice(deviceId).catch(() => undefined);
    }
  }

  /** Audio only (for weak connections): no video sent or received; before entering too. */
  async setAudioOnly(on: boolean): Promise<void> {
    if (on) {
      this.check?.cameraOff();
    }
    await this.prepared?.setAudioOnly(on).catch(() => undefined);
    if (on) {
      this.update({ problems: { ...this.view.problems, camera: null, checkCamera: null } });
    }
  }

  setUnmuteOnFloor(on: boolean): void {
    this.prepared?.setUnmuteOnFloor(on);
  }

  /**
   * What is behind the person in their picture: as it is, blurred, or a calm plain colour. Now
   * (the preview, and the sent picture in the room: the track is replaced, no renegotiation) and
   * whenever the camera goes on. Refused with `background_unsupported` where the browser cannot
   * (`backgroundSupported`), `background_failed` when it could not this time (the picture stays
   * as it was).
   */
  setBackground(mode: BackgroundMode): Promise<MediaResult> {
    return this.run(
      "background",
      async (session) => {
        const before = session.state.background;
        const result = await session.setBackground(mode);
        if (!result.ok || !this.check) {
          return result;
        }
        const previewed = await this.check.setBackground(mode);
        if (!previewed.ok) {
          await session.setBackground(before); // the choice shown is the one that works
        }
        return previewed;
      },
      "any",
    );
  }

  /** Ask the browser which microphones, cameras and speakers there are (in the lobby too). */
  async refreshDevices(): Promise<void> {
    const session = this.prepared;
    if (session && !this.closed) {
      const devices = await session.listDevices();
      if (!this.closed) {
        this.update({ devices });
      }
    }
  }

  // ---- the check before entering -------------------------------------------------------------

  /** The camera's preview in the lobby (with the chosen camera and background), on or off. */
  checkCamera(on: boolean): Promise<MediaResult> {
    return this.runCheck("checkCamera", async (check) => {
      if (!on) {
        check.cameraOff();
        return { ok: true };
      }
      return check.cameraIsOn ? { ok: true } : check.cameraOn();
    });
  }

  /** The microphone in the lobby, for its level meter only (sent nowhere), on or off. */
  checkMic(on: boolean): Promise<MediaResult> {
    return this.runCheck("checkMic", async (check) => {
      if (!on) {
        check.micOff();
        return { ok: true };
      }
      return check.micIsOn ? { ok: true } : check.micOn();
    });
  }

  /** A short calm tone on the chosen speakers (in the lobby and in the room). */
  playTestSound(): Promise<MediaResult> {
    return this.run(
      "testSound",
      async (session) => {
        try {
          await session.environment.playTone(this.view.speakerId);
          return { ok: true };
        } catch {
          return { ok: false, code: "device_failed", message: "The test sound could not be played." };
        }
      },
      "any",
    );
  }

  /** Stop every track and close every connection, at once (quick exit, leaving). */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const session = this.prepared;
    const check = this.check;
    this.session = null;
    this.prepared = null;
    this.check = null;
    for (const stop of [this.stopFollowing, () => check?.close(), ...this.stops, () => session?.close()]) {
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

  /** The session, connected to nobody yet, and the check, for the lobby. */
  private prepare(): void {
    const create = this.options.createSession ?? browserSession;
    const session = create(roomSignalling(this.options.connection));
    if (!session) {
      return; // the lobby has no check, the room says "unsupported" (open)
    }
    this.prepared = session;
    this.check = new MediaCheck({
      env: session.environment,
      choices: () => session.state,
      changed: (check) => this.update({ check }),
      failed: (failure) => this.update({ problems: { ...this.view.problems, checkCamera: failure } }),
    });
    this.stops = [
      session.on("change", (state) => this.changed(state)),
      session.on("localStream", (stream) => this.update({ preview: stream })),
      session.on("remoteStream", (userId, stream) => this.remoteStream(userId, stream)),
      session.on("speaking", (userId, speaking) => this.speaking(userId, speaking)),
      session.on("unmutePrompt", (prompt) => this.prompted(prompt)),
      session.on("muted", (by) => this.muted(by)),
      session.on("audioBlocked", () => this.audioBlocked()),
      session.on("quality", (quality, ownQuality) => this.update({ quality, ownQuality })),
      session.on("error", (failure) => {
        // The person's own requests show their refusals themselves; this is the rest (their
        // "unmute me when I get the floor" choice failing, a background that broke).
        if (this.asking === 0) {
          const control = failure.code.startsWith("background_") ? "camera" : "mic";
          this.update({ problems: { ...this.view.problems, [control]: failure } });
        }
      }),
    ];
    this.update({ local: session.state, backgroundSupported: session.backgroundSupported });
  }

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
    const session = this.prepared;
    if (!session) {
      this.update({ status: "unsupported" });
      return;
    }
    this.session = session;
    // Before bindRoom's own handler: was the microphone on when the mute came?
    this.stops.push(
      connection.on("mute_request", () => {
        this.micOnWhenMuted = session.state.mic;
      }),
    );
    session.start(me.userId);
    this.stops.push(bindRoom(session, connection));
    // The check ends here: its camera comes along (the person turned it on, with a click), its
    // microphone does not (in the room the microphone starts off).
    const check = this.check;
    this.check = null;
    const camera = check?.takeCamera() ?? null;
    check?.close();
    this.update({ status: "open", local: session.state, check: NO_CHECK });
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
    if (camera) {
      void this.run("camera", (open) => open.adoptCamera(camera));
    }
  }

  /**
   * Do what the person asked, showing it busy and its refusal beside its control. `open`: only
   * in the room (else `closed`); `any`: in the lobby too (the session keeps the choice).
   */
  private async run(
    control: MediaControl,
    work: (session: MediaSession) => Promise<MediaResult>,
    when: "open" | "any" = "open",
  ): Promise<MediaResult> {
    const session = when === "open" ? this.session : this.prepared;
    if (!session || this.closed) {
      return this.closed || this.view.status !== "waiting" || when === "open" ? CLOSED : UNSUPPORTED;
    }
    this.asking += 1;
    this.update({
      problems: { ...this.view.problems, [control]: null },
      ...(isPendingControl(control) ? { pending: { ...this.view.pending, [control]: true } } : {}),
    });
    let result: MediaResult;
    try {
      result = await work(session);
    } catch {
      result = { ok: false, code: "device_failed", message: "" };
    } finally {
      this.asking -= 1;
    }
    if (this.prepared === session && !this.closed) {
      this.update({
        problems: { ...this.view.problems, [control]: result.ok ? null : result },
        ...(isPendingControl(control) ? { pending: { ...this.view.pending, [control]: false } } : {}),
      });
      if (result.ok && (control === "mic" || control === "camera" || control === "checkCamera" || control === "checkMic")) {
        void this.refreshDevices(); // the devices' names appear once one was allowed
      }
    }
    return result;
  }

  /** The check's controls: only before entering (`closed` after, and nothing happens). */
  private runCheck(control: "checkCamera" | "checkMic", work: (check: MediaCheck) => Promise<MediaResult>): Promise<MediaResult> {
    return this.run(
      control,
      (session) => {
        const check = this.check;
        return check && this.session !== session ? work(check) : Promise.resolve(CLOSED);
      },
      "any",
    );
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
