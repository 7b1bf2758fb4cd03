/**
 * A person's media in one meeting: their microphone and camera, the mesh of peer connections to
 * every other admitted person (mesh.ts), who may speak, and the speaking indicator.
 *
 * - The microphone is opened only when the person turns it on, and closed (the device released,
 *   the browser's indicator off) when they turn it off. The camera is off until they turn it on.
 * - Nothing here turns a microphone on by itself: getting the floor asks first (`unmutePrompt`),
 *   unless the person chose "unmute me when I get the floor". Losing the right to speak turns the
 *   microphone off; every other browser silences it anyway (the mesh's receive-side gate).
 * - `close()` stops every track and closes every connection at once (quick exit, leaving,
 *   removal, the end of the meeting).
 * - Each copy of the camera gets a share of an upload budget by the size of the mesh (more for
 *   the floor holder, bitrate.ts); each connection's quality is read every few seconds
 *   (quality.ts).
 * - Before `start` (the person waits in the lobby) nothing connects: the session only keeps the
 *   person's choices (devices, audio only, background), which apply once it starts.
 *
 * DOM-light: everything the browser provides comes through a MediaEnvironment.
 */

import type { RoomSnapshot } from "../protocol/events";
import { videoBitrate } from "./bitrate";
import { sortDevices } from "./devices";
import { Emitter } from "./emitter";
import { browserEnvironment } from "./environment";
import { IceCache } from "./ice";
import { CLOSED, LocalMedia, OK } from "./local";
import { PeerMesh } from "./mesh";
import { QualityMonitor } from "./quality";
import { type SpeakingOptions, SpeakingTracker } from "./speaking";
import type {
  BackgroundMode,
  ConnectionQuality,
  LocalMediaState,
  MediaDevices,
  MediaEnvironment,
  MediaEvents,
  MediaResult,
  MediaSignalling,
} from "./types";

export interface MediaSessionOptions {
  signalling: MediaSignalling;
  environment?: MediaEnvironment;
  /** How often audio levels are read for the speaking indicator (ms). */
  levelIntervalMs?: number;
  /** How often each connection's statistics are read for its quality (ms). */
  qualityIntervalMs?: number;
  speaking?: Partial<SpeakingOptions>;
}

type Person = { user_id: number; name: string };

export class MediaSession {
  private readonly signalling: MediaSignalling;
  private readonly env: MediaEnvironment;
  private readonly levelIntervalMs: number;
  private readonly qualityIntervalMs: number;
  private readonly quality: QualityMonitor;
  private readonly events = new Emitter<MediaEvents>();
  private readonly mesh: PeerMesh;
  private readonly ice: IceCache;
  private readonly tracker: SpeakingTracker;
  private readonly levels = new Map<number, number>();
  private me: number | null = null;
  private closed = false;
  private maySpeak = new Set<number>();
  private floorHolder: number | null = null;
  private roomVersion = -1;
  private readonly local: LocalMedia;
  private audioOnly = false;
  private unmuteOnFloor = false;
  private stops: Array<() => void> = [];

  constructor(options: MediaSessionOptions) {
    this.signalling = options.signalling;
    this.env = options.environment ?? browserEnvironment();
    this.levelIntervalMs = options.levelIntervalMs ?? 100;
    this.qualityIntervalMs = options.qualityIntervalMs ?? 2500;
    this.tracker = new SpeakingTracker(options.speaking);
    this.ice = new IceCache(this.signalling);
    this.mesh = new PeerMesh({
      env: this.env,
      signalling: this.signalling,
      ice: this.ice,
      onRemoteStream: (id, stream) => this.events.emit("remoteStream", id, stream),
      onAudioBlocked: () => this.events.emit("audioBlocked"),
      onPeerGone: (id) => this.forgetLevel(id),
    });
    this.quality = new QualityMonitor({
      ids: () => this.mesh.ids,
      stats: (id) => this.stats(id),
      sendingVideo: () => this.local.camera !== null,
      changed: (peers, own) => this.events.emit("quality", peers, own),
    });
    this.local = new LocalMedia({
      env: this.env,
      signalling: this.signalling,
      events: this.events,
      send: (kind, track) => this.mesh.setTrack(kind, track),
      maySpeak: () => this.me !== null && this.maySpeak.has(this.me),
      changed: () => this.emitChange(),
      micClosed: () => {
        if (this.me !== null) {
          this.forgetLevel(this.me);
        }
      },
    });
  }

  // ---- events ------------------------------------------------------------------------------

  on<E extends keyof MediaEvents>(event: E, listener: MediaEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  onRemoteStream(listener: MediaEvents["remoteStream"]): () => void {
    return this.on("remoteStream", listener);
  }

  onSpeaking(listener: MediaEvents["speaking"]): () => void {
    return this.on("speaking", listener);
  }

  // ---- the room ----------------------------------------------------------------------------

  /** Begin, as this person (their user id decides who is polite in each connection). */
  start(myId: number): void {
    if (this.closed || this.me !== null) {
      return;
    }
    this.me = myId;
    this.mesh.start(myId);
    this.stops.push(this.signalling.onSignal((from, message) => this.mesh.receive(from, message)));
    this.stops.push(this.env.every(this.levelIntervalMs, () => this.tick()));
    this.stops.push(this.env.every(this.qualityIntervalMs, () => void this.quality.poll()));
    this.stops.push(() => this.quality.stop());
    this.updateBitrate();
  }

  /**
   * Whether audio and video go only through a relay (TURN), so that nobody in the room learns
   * another's network address: the room's ICE configuration says so (fetched now if it was not
   * yet; the connections use the same).
   */
  async relayed(): Promise<boolean> {
    return (await this.ice.get()).iceTransportPolicy === "relay";
  }

  /** Follow a `room_state`: peers (connected admitted people), who may speak, the floor. */
  applyRoom(room: RoomSnapshot): void {
    if (this.closed || room.version <= this.roomVersion) {
      return;
    }
    this.roomVersion = room.version;
    this.setMaySpeak(room.may_speak ?? []);
    this.setPeers(room.people.filter((p) => p.connected).map((p) => p.user_id));
    this.setFloorHolder(room.floor?.user_id ?? null);
  }

  /** Connect to exactly these people (others' connections close at once). */
  setPeers(userIds: readonly number[]): void {
    if (!this.closed) {
      this.mesh.setPeers(userIds);
      this.updateBitrate();
    }
  }

  /** Whose audio plays: everyone else's is silenced here, whatever their browser sends. */
  setMaySpeak(userIds: readonly number[]): void {
    if (this.closed) {
      return;
    }
    this.maySpeak = new Set(userIds);
    this.mesh.setMaySpeak(this.maySpeak);
    if (this.me !== null && !this.maySpeak.has(this.me) && this.local.mic) {
      void this.local.micOff();
    }
    this.emitChange();
  }

  /** Who has the floor: getting it asks this person to unmute (or unmutes, if they chose so). */
  setFloorHolder(userId: number | null): void {
    const previous = this.floorHolder;
    this.floorHolder = userId;
    if (previous !== userId) {
      this.updateBitrate();
    }
    const me = this.me;
    if (this.closed || me === null || userId !== me || previous === me || this.local.mic) {
      return;
    }
    if (!this.maySpeak.has(me)) {
      return;
    }
    if (this.unmuteOnFloor) {
      void this.setMicEnabled(true).then((result) => {
        if (!result.ok) {
          this.events.emit("error", result);
        }
      });
    } else {
      this.events.emit("unmutePrompt", { reason: "floor" });
    }
  }

  /** A facilitator muted this person (`mute_request`): the microphone goes off now. */
  mutedBy(by: Person): void {
    if (!this.closed) {
      void this.local.micOff();
      this.events.emit("muted", by);
    }
  }

  /** A facilitator asks this person to unmute (`unmute_request`): they decide. */
  askedToUnmute(by: Person): void {
    if (!this.closed && !this.local.mic && this.me !== null && this.maySpeak.has(this.me)) {
      this.events.emit("unmutePrompt", { reason: "asked", by });
    }
  }

  /** Close every peer connection but keep this person's own media (the socket reconnects; the
   * next `room_state` connects again). */
  dropPeers(): void {
    this.mesh.dropAll();
    this.roomVersion = -1;
  }

  // ---- this person's media ------------------------------------------------------------------

  get state(): LocalMediaState {
    return {
      mic: this.local.mic !== null,
      camera: this.local.camera !== null,
      audioOnly: this.audioOnly,
      unmuteOnFloor: this.unmuteOnFloor,
      maySpeak: this.me !== null && this.maySpeak.has(this.me),
      micDeviceId: this.local.micDeviceId,
      cameraDeviceId: this.local.cameraDeviceId,
      background: this.local.background,
    };
  }

  /** Turn the microphone on (only while this person may speak) or off. */
  async setMicEnabled(on: boolean): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    if (!on) {
      await this.local.micOff();
      return OK;
    }
    return this.local.micOn();
  }

  /** Use another microphone (now, if it is on). */
  setMicDevice(deviceId: string | null): Promise<MediaResult> {
    return this.local.setMicDevice(deviceId);
  }

  /** Turn the camera on (with this camera, if given) or off. */
  async setCamera(on: boolean, deviceId?: string): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    if (!on) {
      if (deviceId !== undefined) {
        this.local.cameraDeviceId = deviceId;
      }
      await this.local.cameraOff();
      return OK;
    }
    return this.local.cameraOn(deviceId);
  }

  /**
   * Use a camera track the person turned on before (the check before entering): it is sent as
   * if `setCamera(true)` had opened it. Stopped at once if it cannot be used (audio only, closed).
   */
  adoptCamera(track: MediaStreamTrack): Promise<MediaResult> {
    return this.local.adoptCamera(track);
  }

  /**
   * Blur the background, replace it with a plain colour, or show it as it is: now if the camera
   * is on (the sent track is replaced, no renegotiation), and whenever it goes on. Refused with
   * `background_unsupported` where this browser cannot (`backgroundSupported`).
   */
  setBackground(mode: BackgroundMode): Promise<MediaResult> {
    return this.local.setBackground(mode);
  }

  /** Whether this browser can blur or replace the background. */
  get backgroundSupported(): boolean {
    return this.env.backgroundSupported();
  }

  /** The browser's media functions this session uses (the check before entering shares them). */
  get environment(): MediaEnvironment {
    return this.env;
  }

  /** Each connection's quality (by user id) and this person's own uplink, as last measured. */
  get connectionQuality(): { peers: ReadonlyMap<number, ConnectionQuality>; own: ConnectionQuality | null } {
    return this.quality.current;
  }

  /** Audio only (for weak connections): no video sent or received. */
  async setAudioOnly(on: boolean): Promise<void> {
    if (this.closed || this.audioOnly === on) {
      return;
    }
    this.audioOnly = on;
    this.local.audioOnly = on;
    if (on) {
      await this.local.cameraOff();
    }
    this.mesh.setReceiveVideo(!on);
    this.emitChange();
  }

  /** The person's choice: unmute without asking when they get the floor. */
  setUnmuteOnFloor(on: boolean): void {
    this.unmuteOnFloor = on;
    this.emitChange();
  }

  /** Speakers or headphones for everyone's audio, where the browser lets a page choose. */
  setOutputDevice(deviceId: string): Promise<void> {
    return this.mesh.setOutputDevice(deviceId);
  }

  async listDevices(): Promise<MediaDevices> {
    try {
      return sortDevices(await this.env.enumerateDevices());
    } catch {
      return { microphones: [], cameras: [], speakers: [] };
    }
  }

  /** Let sound play after the browser blocked it: call from a click. */
  async resumeAudio(): Promise<void> {
    await this.env.resumeAudio().catch(() => undefined);
    await this.mesh.resumeAudio();
  }

  /** How loud someone is now (0–1), for a level meter (this person's own id: their mic). */
  audioLevel(userId: number): number {
    return this.levels.get(userId) ?? 0;
  }

  /** The connection's statistics with one peer (null: no connection). */
  async stats(userId: number): Promise<RTCStatsReport | null> {
    return (await this.mesh.stats(userId)) ?? null;
  }

  /** The people this session has a connection (or one being made) with. */
  get peerIds(): number[] {
    return this.mesh.ids;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stop every track and close every connection, at once. Safe to call more than once. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const steps: Array<() => void> = [
      () => this.local.close(),
      ...this.stops,
      () => this.mesh.close(),
      () => this.env.close(),
    ];
    for (const step of steps) {
      try {
        step();
      } catch {
        // Closing must finish whatever one step does.
      }
    }
    this.stops = [];
    this.events.emit("localStream", null);
    this.emitChange();
    this.events.clear();
  }

  // ---- inside ------------------------------------------------------------------------------

  /** Each copy of the camera within its share of the upload (bitrate.ts). */
  private updateBitrate(): void {
    if (this.closed || this.me === null) {
      return;
    }
    this.mesh.setVideoBitrate(videoBitrate(this.mesh.ids.length, this.floorHolder === this.me));
  }

  private emitChange(): void {
    this.events.emit("change", this.state);
  }

  private forgetLevel(id: number): void {
    this.levels.delete(id);
    if (this.tracker.forget(id)) {
      this.events.emit("speaking", id, false);
    }
  }

  private tick(): void {
    if (this.closed) {
      return;
    }
    const now = this.env.now();
    const meters = this.mesh.meters();
    if (this.me !== null) {
      meters.push([this.me, this.local.micMeter]);
    }
    for (const [id, meter] of meters) {
      if (!meter) {
        continue;
      }
      const level = meter.level();
      this.levels.set(id, level);
      const changed = this.tracker.update(id, level, now);
      if (changed !== null) {
        this.events.emit("speaking", id, changed);
      }
    }
  }
}
