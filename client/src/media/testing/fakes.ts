/**
 * Fakes of the browser's media objects for the media layer's unit tests (never used by the
 * page): tracks and streams, a peer connection with the signalling state machine of the WebRTC
 * specification (offers, answers, implicit rollback, transceivers, candidates), an environment,
 * and a signalling bus between sessions.
 */

import type {
  AudioOutput,
  BackgroundMode,
  BackgroundProcessor,
  IceConfiguration,
  LevelMeter,
  MediaEnvironment,
  MediaFailure,
  MediaResult,
  MediaSignalling,
  SignalMessage,
} from "../types";

let nextId = 1;

export class FakeTrack {
  readonly id = `track-${nextId++}`;
  enabled = true;
  readyState: "live" | "ended" = "live";
  onended: (() => void) | null = null;
  constructor(readonly kind: "audio" | "video", readonly label = "") {}

  stop(): void {
    this.readyState = "ended";
  }

  /** The device went away (unplugged, permission withdrawn). */
  end(): void {
    this.readyState = "ended";
    this.onended?.();
  }
}

export class FakeStream {
  readonly id = `stream-${nextId++}`;
  private tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === "audio");
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === "video");
  }
  addTrack(track: FakeTrack): void {
    if (!this.tracks.includes(track)) {
      this.tracks.push(track);
    }
  }
  removeTrack(track: FakeTrack): void {
    this.tracks = this.tracks.filter((t) => t !== track);
  }
}

export class FakeTransceiver {
  mid: string | null = null;
  currentDirection: RTCRtpTransceiverDirection | null = null;
  /** The direction this side wrote in its last local description. */
  negotiated: RTCRtpTransceiverDirection | null = null;
  readonly sender: {
    track: FakeTrack | null;
    replaceTrack: (track: FakeTrack | null) => Promise<void>;
    parameters: { encodings: Array<{ maxBitrate?: number }> };
    getParameters: () => { encodings: Array<{ maxBitrate?: number }> };
    setParameters: (parameters: { encodings: Array<{ maxBitrate?: number }> }) => Promise<void>;
  };
  readonly receiver: { track: FakeTrack };
  private wanted: RTCRtpTransceiverDirection;
  constructor(
    kind: "audio" | "video",
    direction: RTCRtpTransceiverDirection,
    track: FakeTrack | null,
    private readonly changed: () => void,
  ) {
    this.wanted = direction;
    const sender = {
      track,
      replaceTrack: async (next: FakeTrack | null) => {
        sender.track = next;
      },
      parameters: { encodings: [{}] as Array<{ maxBitrate?: number }> },
      getParameters: () => structuredClone(sender.parameters),
      setParameters: async (parameters: { encodings: Array<{ maxBitrate?: number }> }) => {
        sender.parameters = parameters;
      },
    };
    this.sender = sender;
    this.receiver = { track: new FakeTrack(kind) };
  }

  get direction(): RTCRtpTransceiverDirection {
    return this.wanted;
  }

  set direction(value: RTCRtpTransceiverDirection) {
    if (value !== this.wanted) {
      this.wanted = value;
      this.changed();
    }
  }
}

const flip: Record<string, RTCRtpTransceiverDirection> = {
  sendrecv: "sendrecv",
  sendonly: "recvonly",
  recvonly: "sendonly",
  inactive: "inactive",
};

function intersect(local: RTCRtpTransceiverDirection, offered: RTCRtpTransceiverDirection): RTCRtpTransceiverDirection {
  const canSend = (local === "sendrecv" || local === "sendonly") && (offered === "sendrecv" || offered === "recvonly");
  const canReceive = (local === "sendrecv" || local === "recvonly") && (offered === "sendrecv" || offered === "sendonly");
  return canSend && canReceive ? "sendrecv" : canSend ? "sendonly" : canReceive ? "recvonly" : "inactive";
}

/** SDP of the fake: one `m=kind direction mid` line per transceiver. */
function describe(transceivers: FakeTransceiver[], directions: RTCRtpTransceiverDirection[], session: string): string {
  const lines = ["v=0", `o=- ${session} 1 IN IP4 127.0.0.1`, "s=-"];
  transceivers.forEach((t, index) => {
    lines.push(`m=${t.receiver.track.kind} ${directions[index] ?? t.direction} ${t.mid ?? index}`);
  });
  return lines.join("\r\n") + "\r\n";
}

function sections(sdp: string): Array<{ kind: "audio" | "video"; direction: RTCRtpTransceiverDirection; mid: string }> {
  return sdp
    .split("\r\n")
    .filter((line) => line.startsWith("m="))
    .map((line) => {
      const [kind, direction, mid] = line.slice(2).split(" ");
      return { kind: kind as "audio" | "video", direction: direction as RTCRtpTransceiverDirection, mid: mid ?? "" };
    });
}

export class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  readonly session = String(nextId++);
  signalingState: RTCSignalingState = "stable";
  connectionState: RTCPeerConnectionState = "new";
  localDescription: { type: RTCSdpType; sdp: string } | null = null;
  remoteDescription: { type: RTCSdpType; sdp: string } | null = null;
  transceivers: FakeTransceiver[] = [];
  candidates: RTCIceCandidateInit[] = [];
  restarts = 0;
  closed = false;
  /** Offers this connection refuses (to test a peer that started afresh). */
  refuseOffersFrom: string | null = null;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: { track: FakeTrack }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  rollbacks = 0;
  private restartPending = false;
  private neededQueued = false;
  private remoteSession: string | null = null;

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.all.push(this);
  }

  addTransceiver(trackOrKind: FakeTrack | "audio" | "video", init: RTCRtpTransceiverInit = {}): FakeTransceiver {
    const kind = typeof trackOrKind === "string" ? trackOrKind : trackOrKind.kind;
    const track = typeof trackOrKind === "string" ? null : trackOrKind;
    const transceiver = new FakeTransceiver(kind, init.direction ?? "sendrecv", track, () => this.negotiationNeeded());
    this.transceivers.push(transceiver);
    this.negotiationNeeded();
    return transceiver;
  }

  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers];
  }

  async setLocalDescription(): Promise<void> {
    await Promise.resolve();
    this.check();
    if (this.signalingState === "stable" || this.signalingState === "have-local-offer") {
      this.transceivers.forEach((t, index) => {
        t.mid ??= String(index);
        t.negotiated = t.direction;
      });
      this.restartPending = false;
      this.localDescription = { type: "offer", sdp: describe(this.transceivers, [], this.session) };
      this.signalingState = "have-local-offer";
    } else if (this.signalingState === "have-remote-offer") {
      const offered = sections(this.remoteDescription?.sdp ?? "");
      const directions = this.transceivers.map((t, i) => intersect(t.direction, flip[offered[i]?.direction ?? "inactive"] ?? "inactive"));
      this.localDescription = { type: "answer", sdp: describe(this.transceivers, directions, this.session) };
      this.transceivers.forEach((t, i) => {
        t.currentDirection = directions[i] ?? null;
        t.negotiated = t.direction;
      });
      this.signalingState = "stable";
      this.connected();
      this.checkNeeded();
    }
    this.gather();
  }

  async setRemoteDescription(description: { type: RTCSdpType; sdp?: string }): Promise<void> {
    await Promise.resolve();
    this.check();
    const sdp = description.sdp ?? "";
    const session = /^o=- (\S+)/m.exec(sdp)?.[1] ?? "";
    if (description.type === "offer") {
      if (this.remoteSession !== null && session !== this.remoteSession) {
        throw new Error("InvalidAccessError: the DTLS fingerprint changed");
      }
      if (this.signalingState === "have-local-offer") {
        this.signalingState = "stable"; // implicit rollback
        for (const t of this.transceivers) {
          if (t.currentDirection === null) {
            t.mid = null; // never negotiated: the rolled-back offer's mid is gone
          }
        }
        this.rollbacks += 1;
      }
      if (this.signalingState !== "stable") {
        throw new Error("InvalidStateError");
      }
      this.remoteSession = session;
      this.remoteDescription = { type: "offer", sdp };
      sections(sdp).forEach((section, index) => {
        let transceiver = this.transceivers[index];
        if (!transceiver) {
          transceiver = new FakeTransceiver(section.kind, "recvonly", null, () => this.negotiationNeeded());
          this.transceivers.push(transceiver);
        }
        transceiver.mid = section.mid;
        if (section.direction === "sendrecv" || section.direction === "sendonly") {
          this.ontrack?.({ track: transceiver.receiver.track });
        }
      });
      this.signalingState = "have-remote-offer";
    } else if (description.type === "answer") {
      if (this.signalingState !== "have-local-offer") {
        throw new Error("InvalidStateError: no offer to answer");
      }
      this.remoteSession = session;
      this.remoteDescription = { type: "answer", sdp };
      sections(sdp).forEach((section, index) => {
        const transceiver = this.transceivers[index];
        if (transceiver) {
          transceiver.currentDirection = flip[section.direction] ?? "inactive";
          if (section.direction === "sendrecv" || section.direction === "sendonly") {
            this.ontrack?.({ track: transceiver.receiver.track });
          }
        }
      });
      this.signalingState = "stable";
      this.connected();
      this.checkNeeded();
    }
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await Promise.resolve();
    if (!this.remoteDescription) {
      throw new Error("InvalidStateError: no remote description");
    }
    this.candidates.push(candidate);
  }

  restartIce(): void {
    this.restarts += 1;
    this.restartPending = true;
    this.negotiationNeeded();
  }

  /** What getStats answers (a test fills it: `stat(...)` entries by id). */
  statsReport = new Map<string, Record<string, unknown>>();

  async getStats(): Promise<RTCStatsReport> {
    return new Map(this.statsReport) as unknown as RTCStatsReport;
  }

  close(): void {
    this.closed = true;
    this.signalingState = "closed";
    this.connectionState = "closed";
  }

  private check(): void {
    if (this.closed) {
      throw new Error("InvalidStateError: closed");
    }
  }

  /** Fired while stable; otherwise checked again on the way back to stable. */
  private negotiationNeeded(): void {
    if (this.closed || this.signalingState !== "stable" || this.neededQueued) {
      return;
    }
    // Several changes at once make one event, as in a browser.
    this.neededQueued = true;
    queueMicrotask(() => {
      this.neededQueued = false;
      if (!this.closed && this.signalingState === "stable") {
        this.onnegotiationneeded?.();
      }
    });
  }

  private checkNeeded(): void {
    if (this.restartPending || this.transceivers.some((t) => t.negotiated !== t.direction)) {
      this.negotiationNeeded();
    }
  }

  private gather(): void {
    const mid = this.transceivers[0]?.mid ?? "0";
    setTimeout(() => {
      if (!this.closed) {
        const candidate = `candidate:1 1 udp 2122260223 192.0.2.${this.session.length} 5000 typ host`;
        this.onicecandidate?.({
          candidate: { candidate, sdpMid: mid, sdpMLineIndex: 0, usernameFragment: "frag" },
        });
      }
    }, 0);
  }

  private connected(): void {
    if (this.connectionState !== "connected") {
      this.connectionState = "connected";
      this.onconnectionstatechange?.();
    }
  }
}

export class FakeOutput implements AudioOutput {
  plays = 0;
  closed = false;
  sinkId: string | null = null;
  constructor(
    readonly stream: FakeStream,
    private readonly blocked: () => boolean,
  ) {}
  async play(): Promise<void> {
    this.plays += 1;
    if (this.blocked()) {
      throw new Error("NotAllowedError: play() needs a click first");
    }
  }
  async setSinkId(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeMeter implements LevelMeter {
  value = 0;
  closed = false;
  constructor(readonly stream: FakeStream) {}
  level(): number {
    // A silenced (disabled) track is silence, as in a browser.
    const live = this.stream.getAudioTracks().some((t) => t.enabled && t.readyState === "live");
    return live ? this.value : 0;
  }
  close(): void {
    this.closed = true;
  }
}

/** A background processor: its own track stands for the processed picture. */
export class FakeProcessor implements BackgroundProcessor {
  readonly track = new FakeTrack("video", "Processed camera") as unknown as MediaStreamTrack;
  stopped = false;
  constructor(
    readonly camera: FakeTrack,
    public mode: Exclude<BackgroundMode, "none">,
    private readonly failed: () => void,
  ) {}
  setMode(mode: Exclude<BackgroundMode, "none">): void {
    this.mode = mode;
  }
  stop(): void {
    this.stopped = true;
    this.track.stop();
  }
  /** The processor broke while running (e.g. the model crashed). */
  fail(): void {
    this.stop();
    this.failed();
  }
  get fakeTrack(): FakeTrack {
    return this.track as unknown as FakeTrack;
  }
}

export class FakeEnvironment implements MediaEnvironment {
  readonly connections: FakePeerConnection[] = [];
  readonly captured: FakeTrack[] = [];
  readonly outputs: FakeOutput[] = [];
  readonly meters: FakeMeter[] = [];
  readonly constraints: MediaStreamConstraints[] = [];
  captureError: Error | null = null;
  autoplayBlocked = false;
  devices: Array<Pick<MediaDeviceInfo, "kind" | "deviceId" | "label">> = [];
  time = 0;
  ticks = new Set<() => void>();
  closed = false;
  /** Whether this "browser" can replace the background. */
  canReplaceBackground = true;
  /** What processBackground answers instead of a processor (the model failed to load…). */
  backgroundFailure: MediaFailure | null = null;
  readonly processors: FakeProcessor[] = [];
  /** The speakers each test tone played on. */
  readonly tones: Array<string | null> = [];
  toneError: Error | null = null;

  createPeerConnection(config: RTCConfiguration): RTCPeerConnection {
    const pc = new FakePeerConnection(config);
    this.connections.push(pc);
    return pc as unknown as RTCPeerConnection;
  }

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    this.constraints.push(constraints);
    await Promise.resolve();
    if (this.captureError) {
      throw this.captureError;
    }
    const tracks = [
      ...(constraints.audio ? [new FakeTrack("audio", "Fake microphone")] : []),
      ...(constraints.video ? [new FakeTrack("video", "Fake camera")] : []),
    ];
    this.captured.push(...tracks);
    return new FakeStream(tracks) as unknown as MediaStream;
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices as MediaDeviceInfo[];
  }

  createStream(tracks: MediaStreamTrack[] = []): MediaStream {
    return new FakeStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream;
  }

  createAudioOutput(stream: MediaStream): AudioOutput {
    const output = new FakeOutput(stream as unknown as FakeStream, () => this.autoplayBlocked);
    this.outputs.push(output);
    return output;
  }

  createLevelMeter(stream: MediaStream): LevelMeter {
    const meter = new FakeMeter(stream as unknown as FakeStream);
    this.meters.push(meter);
    return meter;
  }

  async resumeAudio(): Promise<void> {
    this.autoplayBlocked = false;
  }

  every(_ms: number, tick: () => void): () => void {
    this.ticks.add(tick);
    return () => this.ticks.delete(tick);
  }

  /** Move the clock and run the timers once. */
  advance(ms: number): void {
    this.time += ms;
    for (const tick of [...this.ticks]) {
      tick();
    }
  }

  now(): number {
    return this.time;
  }

  backgroundSupported(): boolean {
    return this.canReplaceBackground;
  }

  async processBackground(
    camera: MediaStreamTrack,
    mode: Exclude<BackgroundMode, "none">,
    failed: () => void,
  ): Promise<BackgroundProcessor | MediaFailure> {
    await Promise.resolve();
    if (!this.canReplaceBackground) {
      return { ok: false, code: "background_unsupported", message: "Not here." };
    }
    if (this.backgroundFailure) {
      return this.backgroundFailure;
    }
    const processor = new FakeProcessor(camera as unknown as FakeTrack, mode, failed);
    this.processors.push(processor);
    return processor;
  }

  async playTone(speakerId: string | null): Promise<void> {
    await Promise.resolve();
    if (this.toneError) {
      throw this.toneError;
    }
    this.tones.push(speakerId);
  }

  close(): void {
    this.closed = true;
  }

  /** Live tracks the environment handed out or made (a closed session leaves none). */
  get liveTracks(): FakeTrack[] {
    return [...this.captured, ...this.processors.map((p) => p.fakeTrack)].filter((t) => t.readyState === "live");
  }
}

/** Signalling between fake sessions, through a bus that plays the server's relay. */
export class FakeBus {
  private readonly handlers = new Map<number, (from: number, message: SignalMessage) => void>();
  readonly sent: Array<{ from: number; to: number; message: SignalMessage }> = [];
  readonly reports: Array<{ from: number; audio: boolean; video: boolean }> = [];
  iceConfig: IceConfiguration | null = null;
  iceRequests = 0;
  /** What set_media answers. */
  reportAnswer: (from: number, media: { audio: boolean; video: boolean }) => MediaResult = () => ({ ok: true });

  signalling(me: number): MediaSignalling {
    return {
      send: async (to, message) => {
        this.sent.push({ from: me, to, message });
        const handler = this.handlers.get(to);
        setTimeout(() => handler?.(me, message), 0);
        return true;
      },
      onSignal: (handler) => {
        this.handlers.set(me, handler);
        return () => this.handlers.delete(me);
      },
      iceConfig: async () => {
        this.iceRequests += 1;
        return this.iceConfig;
      },
      report: async (media) => {
        this.reports.push({ from: me, ...media });
        return this.reportAnswer(me, media);
      },
    };
  }
}

/** Let timers and promises run until nothing is left (a few rounds of both). */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
