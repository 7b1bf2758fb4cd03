import { describe, expect, it } from "vitest";
import {
  type LinkSample,
  QualityMonitor,
  QualitySmoother,
  classifyQuality,
  linkStats,
  ownQuality,
  sampleStats,
} from "./quality";
import type { ConnectionQuality } from "./types";

const calm = { rttMs: 40, lossRatio: 0, outgoingBps: 2_000_000, sendingVideo: true };

/** A getStats() report as Chromium gives it (the parts read here). */
function report(
  options: { rtt?: number; outgoing?: number; received?: number; lost?: number; sent?: number; remoteLost?: number; fraction?: number } = {},
): Map<string, Record<string, unknown>> {
  const stats: Array<Record<string, unknown>> = [
    { id: "T1", type: "transport", selectedCandidatePairId: "CP1" },
    { id: "CP0", type: "candidate-pair", state: "failed", currentRoundTripTime: 9 },
    {
      id: "CP1",
      type: "candidate-pair",
      state: "succeeded",
      nominated: true,
      currentRoundTripTime: options.rtt ?? 0.05,
      availableOutgoingBitrate: options.outgoing ?? 1_500_000,
    },
    { id: "IA", type: "inbound-rtp", kind: "audio", packetsReceived: options.received ?? 1000, packetsLost: options.lost ?? 0 },
    { id: "OA", type: "outbound-rtp", kind: "audio", packetsSent: options.sent ?? 1000 },
    {
      id: "RA",
      type: "remote-inbound-rtp",
      kind: "audio",
      packetsLost: options.remoteLost ?? 0,
      fractionLost: options.fraction ?? 0,
      roundTripTime: 0.06,
    },
  ];
  return new Map(stats.map((stat) => [String(stat.id), stat]));
}

describe("a connection's quality", () => {
  it("is good when the round trip is short, nothing is lost and there is room to send", () => {
    expect(classifyQuality(calm)).toBe("good");
    expect(classifyQuality({ rttMs: null, lossRatio: null, outgoingBps: null, sendingVideo: false })).toBe("good");
  });

  it("is fair, then poor, as the round trip grows", () => {
    expect(classifyQuality({ ...calm, rttMs: 350 })).toBe("fair");
    expect(classifyQuality({ ...calm, rttMs: 800 })).toBe("poor");
  });

  it("is fair, then poor, as packets are lost", () => {
    expect(classifyQuality({ ...calm, lossRatio: 0.05 })).toBe("fair");
    expect(classifyQuality({ ...calm, lossRatio: 0.2 })).toBe("poor");
  });

  it("needs more room to send a picture than a voice", () => {
    expect(classifyQuality({ ...calm, outgoingBps: 200_000 })).toBe("fair");
    expect(classifyQuality({ ...calm, outgoingBps: 100_000 })).toBe("poor");
    expect(classifyQuality({ ...calm, outgoingBps: 100_000, sendingVideo: false })).toBe("good");
    expect(classifyQuality({ ...calm, outgoingBps: 20_000, sendingVideo: false })).toBe("poor");
  });

  it("is the worst of what it measures", () => {
    expect(classifyQuality({ ...calm, rttMs: 350, lossRatio: 0.2 })).toBe("poor");
  });
});

describe("this person's own uplink", () => {
  it("is what at least half of the connections see, ties to the worse", () => {
    expect(ownQuality([])).toBeNull();
    expect(ownQuality(["poor"])).toBe("poor");
    expect(ownQuality(["good", "poor"])).toBe("poor");
    expect(ownQuality(["good", "poor", "good"])).toBe("good"); // one peer's trouble is theirs
    expect(ownQuality(["poor", "fair", "poor", "good", "good", "good"])).toBe("fair");
    expect(ownQuality(["poor", "poor", "poor", "good", "good", "good"])).toBe("poor");
  });
});

describe("reading getStats", () => {
  it("takes the selected path's round trip and what the browser can send", () => {
    const sample = sampleStats(report({ rtt: 0.12, outgoing: 800_000, received: 500, lost: 5 }));
    expect(sample).toEqual({
      rttMs: 120,
      outgoingBps: 800_000,
      received: 500,
      lost: 5,
      sent: 1000,
      remoteLost: 0,
      remoteFraction: 0,
    });
  });

  it("has nothing to say before a path is selected", () => {
    expect(sampleStats(new Map([["x", { id: "x", type: "inbound-rtp", packetsReceived: 3 }]]))).toBeNull();
  });

  it("counts losses between two samples, each way", () => {
    const before = sampleStats(report({ received: 1000, lost: 0, sent: 1000, remoteLost: 0 })) as LinkSample;
    const after = sampleStats(report({ received: 1900, lost: 100, sent: 2000, remoteLost: 50 })) as LinkSample;
    const stats = linkStats(before, after);
    expect(stats.downLoss).toBeCloseTo(0.1);
    expect(stats.upLoss).toBeCloseTo(0.05);
    expect(linkStats(after, after).downLoss).toBeNull(); // nothing came meanwhile
    expect(linkStats(after, after).upLoss).toBe(0); // the peer's last report: fractionLost 0
  });
});

describe("steadier words", () => {
  it("shows a worse quality at once and a better one after two samples", () => {
    const smoother = new QualitySmoother();
    expect(smoother.update(2, "good")).toBe("good");
    expect(smoother.update(2, "poor")).toBe("poor");
    expect(smoother.update(2, "good")).toBe("poor");
    expect(smoother.update(2, "good")).toBe("good");
    smoother.forget(2);
    expect(smoother.update(2, "fair")).toBe("fair");
  });
});

describe("the quality monitor", () => {
  it("measures every connection, tells when it changes, and forgets who left", async () => {
    const reports = new Map<number, Map<string, Record<string, unknown>> | null>([
      [2, report()],
      [3, report({ rtt: 0.9 })],
    ]);
    const told: Array<[Map<number, ConnectionQuality>, ConnectionQuality | null]> = [];
    const monitor = new QualityMonitor({
      ids: () => [...reports.keys()],
      stats: async (id) => (reports.get(id) ?? null) as unknown as RTCStatsReport | null,
      sendingVideo: () => false,
      changed: (peers, own) => told.push([new Map(peers), own]),
    });
    await monitor.poll();
    expect(told).toEqual([[new Map([[2, "good"], [3, "poor"]]), "poor"]]);
    await monitor.poll();
    expect(told).toHaveLength(1); // nothing changed: nothing said
    reports.delete(3);
    await monitor.poll();
    await monitor.poll();
    expect(told.at(-1)).toEqual([new Map([[2, "good"]]), "good"]);
    monitor.stop();
    reports.set(2, report({ rtt: 0.9 }));
    await monitor.poll();
    expect(told.at(-1)?.[1]).toBe("good"); // stopped: no more readings
  });

  it("leaves out a connection that is not connected yet", async () => {
    const told: Array<ReadonlyMap<number, ConnectionQuality>> = [];
    const monitor = new QualityMonitor({
      ids: () => [2],
      stats: async () => new Map() as unknown as RTCStatsReport,
      sendingVideo: () => true,
      changed: (peers) => told.push(peers),
    });
    await monitor.poll();
    expect(told).toEqual([]);
    expect(monitor.current).toEqual({ peers: new Map(), own: null });
  });
});
