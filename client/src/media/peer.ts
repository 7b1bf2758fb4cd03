/**
 * One peer connection to one other person, set up by the "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): either side may start a
 * negotiation; when both offer at once, the polite side (the lower user id) yields.
 *
 * The impolite side makes two transceivers (audio, video) at the start; the polite side takes
 * them over from the first offer. From then on the microphone and the camera are switched with
 * `replaceTrack`, without renegotiating: a sender with no track sends nothing at all.
 */

import { VIDEO_BUDGET } from "./bitrate";
import type { SignalMessage } from "./types";

export type Kind = "audio" | "video";

export interface PeerLinkOptions {
  peerId: number;
  /** The lower user id of the two is polite. */
  polite: boolean;
  pc: RTCPeerConnection;
  send: (message: SignalMessage) => void;
  onTrack: (track: MediaStreamTrack) => void;
  /** An offer could not be applied (the other side started afresh): replace this link. */
  onBroken: (message: SignalMessage) => void;
  /** What this side sends at first, and whether it receives video. */
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  receiveVideo: boolean;
  /** The most the camera's copy to this peer may use (bits per second; bitrate.ts). */
  videoBitrate?: number;
}

export class PeerLink {
  readonly peerId: number;
  readonly polite: boolean;
  private readonly pc: RTCPeerConnection;
  private readonly options: PeerLinkOptions;
  private readonly tracks: Record<Kind, MediaStreamTrack | null>;
  private receiveVideo: boolean;
  private videoBitrate: number;
  // Sender parameters are changed one at a time (a second change waits for the first).
  private limiting: Promise<void> = Promise.resolve();
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private closed = false;
  // Messages are applied one at a time, in the order they came.
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PeerLinkOptions) {
    this.options = options;
    this.peerId = options.peerId;
    this.polite = options.polite;
    this.pc = options.pc;
    this.tracks = { audio: options.audio, video: options.video };
    this.receiveVideo = options.receiveVideo;
    this.videoBitrate = options.videoBitrate ?? VIDEO_BUDGET.maxBps;
    const pc = this.pc;
    pc.onnegotiationneeded = () => void this.negotiate();
    pc.onicecandidate = (event) => {
      const found = event.candidate;
      if (found && !this.closed) {
        this.options.send({
          candidate: {
            candidate: found.candidate,
            sdpMid: found.sdpMid,
            sdpMLineIndex: found.sdpMLineIndex,
            usernameFragment: found.usernameFragment,
          },
        });
      }
    };
    pc.ontrack = (event) => {
      if (!this.closed) {
        this.options.onTrack(event.track);
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected" && !this.closed) {
        this.applyVideoBitrate();
      }
      if (pc.connectionState === "failed" && !this.closed) {
        // A new network path (a changed Wi-Fi, a TURN server after all): perfect negotiation
        // carries the restart's offer.
        pc.restartIce();
      }
    };
    if (!this.polite) {
      pc.addTransceiver(this.tracks.audio ?? "audio", { direction: "sendrecv" });
      pc.addTransceiver(this.tracks.video ?? "video", { direction: this.videoDirection() });
    }
  }

  /** Apply a message from the peer (in order). */
  handle(message: SignalMessage): Promise<void> {
    this.queue = this.queue.then(() => this.apply(message)).catch(() => undefined);
    return this.queue;
  }

  /** Send this track (null: nothing) of this kind to the peer, without renegotiating. */
  async setTrack(kind: Kind, track: MediaStreamTrack | null): Promise<void> {
    this.tracks[kind] = track;
    const transceiver = this.transceiver(kind);
    if (transceiver && !this.closed && transceiver.sender.track !== track) {
      await transceiver.sender.replaceTrack(track);
    }
  }

  /** Receive video or not (audio-only mode): renegotiates when it changes. */
  setReceiveVideo(on: boolean): void {
    this.receiveVideo = on;
    const transceiver = this.transceiver("video");
    if (transceiver && !this.closed && transceiver.direction !== this.videoDirection()) {
      transceiver.direction = this.videoDirection();
    }
  }

  /** The most the camera's copy to this peer may use (set now, and again once connected). */
  setVideoBitrate(bps: number): void {
    if (bps !== this.videoBitrate) {
      this.videoBitrate = bps;
      this.applyVideoBitrate();
    }
  }

  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  get state(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /** Close at once: every handler is dropped and the connection closed. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const pc = this.pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    pc.close();
  }

  private applyVideoBitrate(): void {
    this.limiting = this.limiting.then(() => this.limitVideo()).catch(() => undefined);
  }

  /** A mesh sends the camera to everyone: each copy within its share (bitrate.ts). */
  private async limitVideo(): Promise<void> {
    const sender = this.transceiver("video")?.sender;
    if (this.closed || !sender || typeof sender.getParameters !== "function") {
      return;
    }
    const parameters = sender.getParameters();
    const [encoding] = parameters.encodings ?? [];
    // No encodings before the first negotiation: applied once connected.
    if (!encoding || encoding.maxBitrate === this.videoBitrate) {
      return;
    }
    encoding.maxBitrate = this.videoBitrate;
    await sender.setParameters(parameters).catch(() => undefined);
  }

  private videoDirection(): RTCRtpTransceiverDirection {
    return this.receiveVideo ? "sendrecv" : "sendonly";
  }

  private transceiver(kind: Kind): RTCRtpTransceiver | undefined {
    return this.pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === kind && t.currentDirection !== "stopped");
  }

  private async negotiate(): Promise<void> {
    if (this.closed) {
      return;
    }
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
    } catch {
      // The state moved on meanwhile (a remote offer won); negotiationneeded fires again.
    } finally {
      this.makingOffer = false;
    }
  }

  private sendLocalDescription(): void {
    const local = this.pc.localDescription;
    if (local && !this.closed && (local.type === "offer" || local.type === "answer")) {
      this.options.send({ description: { type: local.type, sdp: local.sdp } });
    }
  }

  private async apply(message: SignalMessage): Promise<void> {
    if (this.closed) {
      return;
    }
    const { description, candidate } = message;
    if (description) {
      await this.applyDescription(description, message);
    } else if (candidate) {
      try {
        await this.pc.addIceCandidate(candidate);
      } catch {
        // A candidate of an offer this side ignored, or of a connection since replaced.
      }
    }
  }

  private async applyDescription(
    description: NonNullable<SignalMessage["description"]>,
    message: SignalMessage,
  ): Promise<void> {
    if (description.type === "rollback") {
      return; // each side rolls back by itself; nothing to do for the other's
    }
    const pc = this.pc;
    const readyForOffer =
      !this.makingOffer && (pc.signalingState === "stable" || this.settingRemoteAnswer);
    const collision = description.type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) {
      return;
    }
    try {
      this.settingRemoteAnswer = description.type === "answer";
      await pc.setRemoteDescription(description);
    } catch {
      this.settingRemoteAnswer = false;
      if (description.type === "offer") {
        this.options.onBroken(message);
      }
      return;
    } finally {
      this.settingRemoteAnswer = false;
    }
    if (description.type === "offer" && !this.closed) {
      await this.adoptTransceivers();
      await pc.setLocalDescription();
      this.sendLocalDescription();
    }
  }

  /** After an offer: send on the offered transceivers (the polite side's first offer makes
   * them), in the directions this side wants. */
  private async adoptTransceivers(): Promise<void> {
    for (const kind of ["audio", "video"] as const) {
      const transceiver = this.transceiver(kind);
      if (!transceiver) {
        continue;
      }
      const direction = kind === "audio" ? "sendrecv" : this.videoDirection();
      if (transceiver.direction !== direction) {
        transceiver.direction = direction;
      }
      if (transceiver.sender.track !== this.tracks[kind]) {
        await transceiver.sender.replaceTrack(this.tracks[kind]);
      }
    }
  }
}
