/**
 * A page script for the real-browser media test (tests/browser/test_media.py) — never part of
 * the page's bundle: the test builds this file by itself and serves it on a page of its own,
 * from the server's origin, so that the socket carries the person's session.
 *
 * It drives the real MediaSession over the real room connection and exposes what the test
 * checks as `window.kredsMedia`: bytes received per peer (getStats), audio levels, the states
 * of the peer connections and of the captured tracks.
 */

import { RoomConnection } from "../../protocol/connection";
import type { ClientEvent, PayloadOf } from "../../protocol/events";
import { browserEnvironment } from "../environment";
import { bindRoom, roomSignalling } from "../room-link";
import { MediaSession } from "../session";

interface Opened {
  connection: RoomConnection;
  refusals: string[];
  session: MediaSession;
  connections: RTCPeerConnection[];
  tracks: MediaStreamTrack[];
}

let opened: Opened | null = null;

function current(): Opened {
  if (!opened) {
    throw new Error("open() first");
  }
  return opened;
}

const harness = {
  /** Join the meeting as this person, with media bound to the room. */
  async open(meetingId: number, myId: number): Promise<unknown> {
    const environment = browserEnvironment();
    const connections: RTCPeerConnection[] = [];
    const tracks: MediaStreamTrack[] = [];
    const watched = {
      ...environment,
      createPeerConnection: (config: RTCConfiguration) => {
        const pc = environment.createPeerConnection(config);
        connections.push(pc);
        return pc;
      },
      getUserMedia: async (constraints: MediaStreamConstraints) => {
        const stream = await environment.getUserMedia(constraints);
        tracks.push(...stream.getTracks());
        return stream;
      },
    };
    const connection = new RoomConnection(meetingId);
    const refusals: string[] = [];
    const signalling = roomSignalling(connection);
    const send = signalling.send;
    signalling.send = async (to, message) => {
      const ok = await send(to, message);
      if (!ok) {
        refusals.push(`${message.description?.type ?? "candidate"} to ${to}`);
      }
      return ok;
    };
    const session = new MediaSession({ signalling, environment: watched });
    session.start(myId);
    bindRoom(session, connection);
    opened = { connection, refusals, session, connections, tracks };
    return connection.join();
  },

  send<E extends Exclude<ClientEvent, "join">>(event: E, payload: PayloadOf<E>): Promise<unknown> {
    return current().connection.send(event, payload);
  },

  mic(on: boolean): Promise<unknown> {
    return current().session.setMicEnabled(on);
  },

  state(): unknown {
    return current().session.state;
  },

  peers(): number[] {
    return current().session.peerIds.sort((a, b) => a - b);
  },

  /** Audio bytes received from one peer so far. */
  async bytesReceived(peer: number): Promise<number> {
    const report = await current().session.stats(peer);
    let bytes = 0;
    report?.forEach((stat: { type?: string; kind?: string; bytesReceived?: number }) => {
      if (stat.type === "inbound-rtp" && stat.kind === "audio") {
        bytes += stat.bytesReceived ?? 0;
      }
    });
    return bytes;
  },

  /** The loudest level heard from someone over `ms` milliseconds (after the gate). */
  async loudest(userId: number, ms: number): Promise<number> {
    let loudest = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      loudest = Math.max(loudest, current().session.audioLevel(userId));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return loudest;
  },

  connectionStates(): string[] {
    return current().connections.map((pc) => pc.connectionState);
  },

  /** What each peer connection is doing, and refused signalling (for a failing test). */
  describe(): string[] {
    const { refusals } = current();
    return [...refusals.map((r) => `refused: ${r}`), ...current().connections.map(
      (pc) =>
        `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}/${pc.iceGatheringState}` +
        ` local=${pc.localDescription?.type ?? "-"} remote=${pc.remoteDescription?.type ?? "-"}`,
    )];
  },

  trackStates(): string[] {
    return current().tracks.map((track) => track.readyState);
  },

  closed(): boolean {
    return current().session.isClosed;
  },

  leave(): Promise<void> {
    return current().connection.leave();
  },

  /**
   * Play a client that ignores the room: its microphone keeps sending whatever the session
   * says (the receivers' gate is what keeps the floor).
   */
  misbehave(): void {
    RTCRtpSender.prototype.replaceTrack = async function keep() {
      // never let go of the track
    };
    MediaStreamTrack.prototype.stop = function keep() {
      // never stop
    };
  },
};

declare global {
  interface Window {
    kredsMedia?: typeof harness;
  }
}

window.kredsMedia = harness;
