import { describe, expect, it } from "vitest";
import { VIDEO_BUDGET } from "./bitrate";
import { PeerLink } from "./peer";
import { FakePeerConnection, FakeTrack, settle } from "./testing/fakes";
import type { SignalMessage } from "./types";

interface Side {
  link: PeerLink;
  pc: FakePeerConnection;
  tracks: FakeTrack[];
  sent: SignalMessage[];
  broken: SignalMessage[];
}

/** Two people's links wired through an in-order relay (as the server's). */
function pair(options: { politeAudio?: FakeTrack | null; impoliteAudio?: FakeTrack | null } = {}) {
  const sides: { polite?: Side; impolite?: Side } = {};
  const make = (polite: boolean, audio: FakeTrack | null): Side => {
    const pc = new FakePeerConnection({});
    const side: Side = { pc, tracks: [], sent: [], broken: [], link: undefined as unknown as PeerLink };
    side.link = new PeerLink({
      peerId: polite ? 2 : 1,
      polite,
      pc: pc as unknown as RTCPeerConnection,
      send: (message) => {
        side.sent.push(message);
        const other = polite ? sides.impolite : sides.polite;
        setTimeout(() => void other?.link.handle(message), 0);
      },
      onTrack: (track) => side.tracks.push(track as unknown as FakeTrack),
      onBroken: (message) => side.broken.push(message),
      audio: audio as unknown as MediaStreamTrack | null,
      video: null,
      receiveVideo: true,
    });
    return side;
  };
  sides.polite = make(true, options.politeAudio ?? null);
  sides.impolite = make(false, options.impoliteAudio ?? null);
  return { polite: sides.polite, impolite: sides.impolite };
}

const descriptions = (side: Side): string[] =>
  side.sent.flatMap((m) => (m.description ? [m.description.type] : []));

describe("a peer link (perfect negotiation)", () => {
  it("connects: the impolite side offers, the polite side answers, both receive", async () => {
    const { polite, impolite } = pair();
    await settle();
    expect(descriptions(impolite)).toEqual(["offer"]);
    expect(descriptions(polite)).toEqual(["answer"]);
    for (const side of [polite, impolite]) {
      expect(side.pc.signalingState).toBe("stable");
      expect(side.tracks.map((t) => t.kind).sort()).toEqual(["audio", "video"]);
      expect(side.pc.candidates.length).toBeGreaterThan(0);
    }
  });

  it("lets the polite side send on the transceivers the offer made, adding none", async () => {
    const mic = new FakeTrack("audio");
    const { polite } = pair({ politeAudio: mic });
    await settle();
    expect(polite.pc.transceivers).toHaveLength(2);
    const audio = polite.pc.transceivers.find((t) => t.receiver.track.kind === "audio");
    expect(audio?.sender.track).toBe(mic);
    expect(audio?.direction).toBe("sendrecv");
  });

  it("switches the microphone and camera without negotiating again", async () => {
    const { polite, impolite } = pair();
    await settle();
    const before = polite.sent.length + impolite.sent.length;
    const mic = new FakeTrack("audio");
    await impolite.link.setTrack("audio", mic as unknown as MediaStreamTrack);
    await impolite.link.setTrack("video", new FakeTrack("video") as unknown as MediaStreamTrack);
    await impolite.link.setTrack("audio", null);
    await settle();
    expect(polite.sent.length + impolite.sent.length).toBe(before);
    expect(impolite.pc.transceivers[0]?.sender.track).toBeNull();
  });

  it("resolves offers made at the same moment: the polite side yields", async () => {
    const { polite, impolite } = pair();
    await settle();
    // Both stop receiving video at once: both want to renegotiate.
    polite.link.setReceiveVideo(false);
    impolite.link.setReceiveVideo(false);
    await settle();
    expect(polite.pc.rollbacks + impolite.pc.rollbacks).toBeGreaterThan(0);
    expect(polite.pc.signalingState).toBe("stable");
    expect(impolite.pc.signalingState).toBe("stable");
    for (const side of [polite, impolite]) {
      const video = side.pc.transceivers.find((t) => t.receiver.track.kind === "video");
      expect(video?.direction).toBe("sendonly");
    }
  });

  it("keeps each copy of the camera small once connected", async () => {
    const { polite, impolite } = pair();
    await settle();
    for (const side of [polite, impolite]) {
      const video = side.pc.transceivers.find((t) => t.receiver.track.kind === "video");
      expect(video?.sender.parameters.encodings[0]?.maxBitrate).toBe(VIDEO_BUDGET.maxBps);
    }
  });

  it("ignores a candidate that comes before any description", async () => {
    const pc = new FakePeerConnection({});
    const link = new PeerLink({
      peerId: 2,
      polite: true,
      pc: pc as unknown as RTCPeerConnection,
      send: () => undefined,
      onTrack: () => undefined,
      onBroken: () => undefined,
      audio: null,
      video: null,
      receiveVideo: true,
    });
    await expect(link.handle({ candidate: { candidate: "", sdpMid: "0" } })).resolves.toBeUndefined();
    expect(pc.candidates).toEqual([]);
  });

  it("reports an offer from a peer that started afresh, to be replaced", async () => {
    const { polite, impolite } = pair();
    await settle();
    // The impolite side reloaded: a new connection offers to the old one.
    const fresh = new FakePeerConnection({});
    new PeerLink({
      peerId: 2,
      polite: false,
      pc: fresh as unknown as RTCPeerConnection,
      send: (message) => void polite.link.handle(message),
      onTrack: () => undefined,
      onBroken: () => undefined,
      audio: null,
      video: null,
      receiveVideo: true,
    });
    await settle();
    expect(polite.broken.map((m) => m.description?.type)).toEqual(["offer"]);
    impolite.link.close();
  });

  it("restarts ICE when the connection fails", async () => {
    const { polite, impolite } = pair();
    await settle();
    impolite.pc.connectionState = "failed";
    impolite.pc.onconnectionstatechange?.();
    await settle();
    expect(impolite.pc.restarts).toBe(1);
    expect(descriptions(impolite)).toEqual(["offer", "offer"]);
    expect(polite.pc.signalingState).toBe("stable");
  });

  it("closes at once and does nothing afterwards", async () => {
    const { polite, impolite } = pair();
    await settle();
    polite.link.close();
    polite.link.close();
    expect(polite.pc.closed).toBe(true);
    expect(polite.pc.ontrack).toBeNull();
    const sent = polite.sent.length;
    impolite.link.setReceiveVideo(false);
    await settle();
    expect(polite.sent.length).toBe(sent);
  });
});
