/**
 * The mesh: one peer connection to every other admitted person, their incoming audio (played here,
 * through the receive-side gate) and video, and their audio levels.
 *
 * The gate: every remote audio track is disabled (silence) unless its person may speak now, from
 * the first moment it arrives — so one misbehaving browser cannot talk over the floor.
 */

import type { IceCache } from "./ice";
import { type Kind, PeerLink } from "./peer";
import type { AudioOutput, LevelMeter, MediaEnvironment, MediaSignalling, SignalMessage } from "./types";

// Signalling that arrives while a connection is being made waits, up to this many messages.
const MAX_PENDING = 200;
// A connection whose peer started afresh is replaced, at most this often.
const REPLACE_EVERY_MS = 2000;

interface Peer {
  link: PeerLink | null;
  pending: SignalMessage[];
  stream: MediaStream;
  output: AudioOutput | null;
  meter: LevelMeter | null;
  replacedAt: number;
}

export interface MeshOptions {
  env: MediaEnvironment;
  signalling: MediaSignalling;
  ice: IceCache;
  /** A peer's incoming stream changed (null: the peer is gone). */
  onRemoteStream: (userId: number, stream: MediaStream | null) => void;
  onAudioBlocked: () => void;
  onPeerGone: (userId: number) => void;
}

export class PeerMesh {
  private readonly options: MeshOptions;
  private readonly env: MediaEnvironment;
  private readonly peers = new Map<number, Peer>();
  private readonly tracks: Record<Kind, MediaStreamTrack | null> = { audio: null, video: null };
  private me: number | null = null;
  private maySpeak = new Set<number>();
  private receiveVideo = true;
  private videoBitrate: number | null = null;
  private outputDeviceId: string | null = null;
  private closed = false;

  constructor(options: MeshOptions) {
    this.options = options;
    this.env = options.env;
  }

  start(me: number): void {
    this.me = me;
  }

  get ids(): number[] {
    return [...this.peers.keys()];
  }

  /** Connect to exactly these people (others' connections close at once). */
  setPeers(userIds: readonly number[]): void {
    if (this.closed || this.me === null) {
      return;
    }
    const wanted = new Set(userIds.filter((id) => id !== this.me));
    for (const id of this.ids) {
      if (!wanted.has(id)) {
        this.drop(id);
      }
    }
    for (const id of wanted) {
      if (!this.peers.has(id)) {
        this.add(id);
      }
    }
  }

  /** The receive-side gate: only these people's audio plays. */
  setMaySpeak(userIds: ReadonlySet<number>): void {
    this.maySpeak = new Set(userIds);
    for (const [id, peer] of this.peers) {
      for (const track of peer.stream.getAudioTracks()) {
        track.enabled = this.maySpeak.has(id);
      }
    }
  }

  /** Send this track (or nothing) to everyone, now and to people who come later. */
  setTrack(kind: Kind, track: MediaStreamTrack | null): void {
    this.tracks[kind] = track;
    for (const peer of this.peers.values()) {
      void peer.link?.setTrack(kind, track).catch(() => undefined);
    }
  }

  /** The most each copy of the camera may use, to everyone (bitrate.ts). */
  setVideoBitrate(bps: number): void {
    this.videoBitrate = bps;
    for (const peer of this.peers.values()) {
      peer.link?.setVideoBitrate(bps);
    }
  }

  setReceiveVideo(on: boolean): void {
    this.receiveVideo = on;
    for (const peer of this.peers.values()) {
      peer.link?.setReceiveVideo(on);
      for (const track of peer.stream.getVideoTracks()) {
        track.enabled = on;
      }
    }
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    this.outputDeviceId = deviceId;
    await Promise.all(
      [...this.peers.values()].map((peer) => peer.output?.setSinkId?.(deviceId).catch(() => undefined)),
    );
  }

  async resumeAudio(): Promise<void> {
    for (const peer of this.peers.values()) {
      await peer.output?.play().catch(() => undefined);
    }
  }

  /** Each peer's audio meter (null until their audio arrives). */
  meters(): Array<[number, LevelMeter | null]> {
    return [...this.peers].map(([id, peer]) => [id, peer.meter]);
  }

  stats(userId: number): Promise<RTCStatsReport> | null {
    return this.peers.get(userId)?.link?.getStats() ?? null;
  }

  /** A signalling message from someone; dropped unless they are one of the peers. */
  receive(from: number, message: SignalMessage): void {
    const peer = this.closed ? undefined : this.peers.get(from);
    if (!peer) {
      return;
    }
    if (peer.link) {
      void peer.link.handle(message);
    } else if (peer.pending.length < MAX_PENDING) {
      peer.pending.push(message);
    }
  }

  /** Close every connection (the mesh can connect again). */
  dropAll(): void {
    for (const id of this.ids) {
      this.drop(id);
    }
  }

  close(): void {
    this.closed = true;
    for (const id of this.ids) {
      try {
        this.drop(id);
      } catch {
        // Closing must finish whatever one connection does.
      }
    }
  }

  private add(id: number): void {
    const peer: Peer = {
      link: null,
      pending: [],
      stream: this.env.createStream(),
      output: null,
      meter: null,
      replacedAt: -Infinity,
    };
    this.peers.set(id, peer);
    void this.connect(id, peer).catch(() => undefined); // e.g. a configuration the browser refuses
  }

  private async connect(id: number, peer: Peer): Promise<void> {
    const config = await this.options.ice.get();
    const me = this.me;
    if (this.closed || me === null || this.peers.get(id) !== peer) {
      return;
    }
    const link: PeerLink = new PeerLink({
      peerId: id,
      polite: me < id,
      pc: this.env.createPeerConnection(config),
      send: (message) => void this.options.signalling.send(id, message).catch(() => false),
      onTrack: (track) => this.addRemoteTrack(id, peer, link, track),
      onBroken: (message) => this.replace(id, peer, link, message),
      audio: this.tracks.audio,
      video: this.tracks.video,
      receiveVideo: this.receiveVideo,
      ...(this.videoBitrate === null ? {} : { videoBitrate: this.videoBitrate }),
    });
    peer.link = link;
    for (const message of peer.pending.splice(0)) {
      void link.handle(message);
    }
  }

  /** The peer started afresh (a new connection on their side): start afresh here too. */
  private replace(id: number, peer: Peer, link: PeerLink, message: SignalMessage): void {
    const now = this.env.now();
    if (this.closed || peer.link !== link || now - peer.replacedAt < REPLACE_EVERY_MS) {
      return;
    }
    peer.replacedAt = now;
    link.close();
    for (const track of peer.stream.getTracks()) {
      peer.stream.removeTrack(track);
    }
    peer.link = null;
    peer.pending = [message];
    void this.connect(id, peer).catch(() => undefined); // e.g. a configuration the browser refuses
  }

  private addRemoteTrack(id: number, peer: Peer, link: PeerLink, track: MediaStreamTrack): void {
    if (this.closed || peer.link !== link || this.peers.get(id) !== peer) {
      return;
    }
    if (!peer.stream.getTracks().includes(track)) {
      peer.stream.addTrack(track);
    }
    if (track.kind === "audio") {
      track.enabled = this.maySpeak.has(id); // the gate, from the first moment
      if (!peer.output) {
        peer.output = this.env.createAudioOutput(peer.stream);
        if (this.outputDeviceId) {
          void peer.output.setSinkId?.(this.outputDeviceId).catch(() => undefined);
        }
        peer.output.play().catch(() => this.options.onAudioBlocked());
      }
      peer.meter ??= this.env.createLevelMeter(peer.stream);
    } else {
      track.enabled = this.receiveVideo;
    }
    this.options.onRemoteStream(id, peer.stream);
  }

  private drop(id: number): void {
    const peer = this.peers.get(id);
    if (!peer) {
      return;
    }
    this.peers.delete(id);
    peer.link?.close();
    peer.output?.close();
    peer.meter?.close();
    this.options.onPeerGone(id);
    this.options.onRemoteStream(id, null);
  }
}
