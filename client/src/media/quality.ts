/**
 * How well each connection carries sound and picture: its statistics read every few seconds
 * (`getStats`: round trip, packets lost each way, what the browser thinks it can send), made into
 * "good", "fair" or "poor" for a mark on each tile, and this person's own uplink for a hint
 * ("your connection is weak: audio only may help").
 *
 * The functions are pure (statistics in, a word out); `QualityMonitor` polls a session's
 * connections with them. Nothing of it is kept or sent anywhere.
 */

import type { ConnectionQuality } from "./types";

/** What one `getStats()` says about a connection, totals since it began. */
export interface LinkSample {
  rttMs: number | null;
  /** The browser's estimate of what it can send on this connection (bits per second). */
  outgoingBps: number | null;
  /** Packets from the peer: received, and lost on the way. */
  received: number;
  lost: number;
  /** Packets to the peer: sent, and lost on the way as the peer reports (RTCP). */
  sent: number;
  remoteLost: number;
  /** The loss the peer reported last (0–1), when it said one. */
  remoteFraction: number | null;
}

/** One connection between two samples. */
export interface LinkStats {
  rttMs: number | null;
  /** Share of the packets from the peer that were lost (null: none came). */
  downLoss: number | null;
  /** Share of the packets to the peer that were lost. */
  upLoss: number | null;
  outgoingBps: number | null;
}

export interface QualityInput {
  rttMs: number | null;
  lossRatio: number | null;
  outgoingBps: number | null;
  /** The person sends their camera now (video needs far more than audio). */
  sendingVideo: boolean;
}

/** Where "fair" and "poor" begin. */
export const QUALITY_LIMITS = {
  rttMs: { fair: 300, poor: 700 },
  loss: { fair: 0.03, poor: 0.1 },
  // Below these, the browser cannot send what the picture (or the voice) needs.
  outgoingVideoBps: { fair: 300_000, poor: 120_000 },
  outgoingAudioBps: { fair: 60_000, poor: 35_000 },
} as const;

const RANK: Record<ConnectionQuality, number> = { good: 0, fair: 1, poor: 2 };

export function worse(a: ConnectionQuality, b: ConnectionQuality): ConnectionQuality {
  return RANK[a] >= RANK[b] ? a : b;
}

/** "good", "fair" or "poor", from the worst of round trip, losses and what can be sent. */
export function classifyQuality(input: QualityInput): ConnectionQuality {
  const limits = QUALITY_LIMITS;
  const outgoing = input.sendingVideo ? limits.outgoingVideoBps : limits.outgoingAudioBps;
  const level = (value: number | null, limit: { fair: number; poor: number }, lowIsBad = false): ConnectionQuality => {
    if (value === null || !Number.isFinite(value)) {
      return "good"; // not known: not held against the connection
    }
    if (lowIsBad) {
      return value < limit.poor ? "poor" : value < limit.fair ? "fair" : "good";
    }
    return value >= limit.poor ? "poor" : value >= limit.fair ? "fair" : "good";
  };
  return [
    level(input.rttMs, limits.rttMs),
    level(input.lossRatio, limits.loss),
    level(input.outgoingBps, outgoing, true),
  ].reduce(worse, "good");
}

/**
 * This person's own uplink, from what each connection says of it: what at least half of them
 * see (ties go to the worse). When everyone's copy suffers, it is this person's network; when one
 * peer's does, it is more likely that peer's (their tile says so).
 */
export function ownQuality(uplinks: readonly ConnectionQuality[]): ConnectionQuality | null {
  if (uplinks.length === 0) {
    return null;
  }
  const worstFirst = [...uplinks].sort((a, b) => RANK[b] - RANK[a]);
  return worstFirst[Math.floor((worstFirst.length - 1) / 2)] ?? null;
}

/** One entry of a getStats() report (the fields read here are checked as they are read). */
type Stat = Record<string, unknown>;

const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** Read a `getStats()` report; null while the connection has no selected path yet. */
export function sampleStats(report: { forEach(callback: (stat: Stat) => void): void }): LinkSample | null {
  const stats: Stat[] = [];
  report.forEach((stat) => stats.push(stat));
  const selectedId = stats.find((s) => s.type === "transport" && typeof s.selectedCandidatePairId === "string")
    ?.selectedCandidatePairId;
  const pair =
    stats.find((s) => s.type === "candidate-pair" && s.id === selectedId) ??
    stats.find((s) => s.type === "candidate-pair" && (s.selected === true || (s.nominated === true && s.state === "succeeded")));
  if (!pair) {
    return null;
  }
  const pairRtt = num(pair.currentRoundTripTime);
  const sample: LinkSample = {
    rttMs: pairRtt === null ? null : pairRtt * 1000,
    outgoingBps: num(pair.availableOutgoingBitrate),
    received: 0,
    lost: 0,
    sent: 0,
    remoteLost: 0,
    remoteFraction: null,
  };
  let remoteRtt: number | null = null;
  for (const stat of stats) {
    if (stat.type === "inbound-rtp") {
      sample.received += num(stat.packetsReceived) ?? 0;
      sample.lost += Math.max(0, num(stat.packetsLost) ?? 0);
    } else if (stat.type === "outbound-rtp") {
      sample.sent += num(stat.packetsSent) ?? 0;
    } else if (stat.type === "remote-inbound-rtp") {
      sample.remoteLost += Math.max(0, num(stat.packetsLost) ?? 0);
      const fraction = num(stat.fractionLost);
      if (fraction !== null) {
        sample.remoteFraction = Math.max(sample.remoteFraction ?? 0, fraction);
      }
      const rtt = num(stat.roundTripTime);
      if (rtt !== null) {
        remoteRtt = Math.max(remoteRtt ?? 0, rtt * 1000);
      }
    }
  }
  sample.rttMs ??= remoteRtt;
  return sample;
}

/** What happened on a connection between two samples (the first: since it began). */
export function linkStats(previous: LinkSample | null, current: LinkSample): LinkStats {
  const delta = (key: "received" | "lost" | "sent" | "remoteLost"): number =>
    Math.max(0, current[key] - (previous && previous[key] <= current[key] ? previous[key] : 0));
  const received = delta("received");
  const lost = delta("lost");
  const sent = delta("sent");
  const remoteLost = delta("remoteLost");
  return {
    rttMs: current.rttMs,
    downLoss: received + lost > 0 ? lost / (received + lost) : null,
    upLoss: sent > 0 ? Math.min(1, remoteLost / sent) : current.remoteFraction,
    outgoingBps: current.outgoingBps,
  };
}

/**
 * Steadier words: a worse quality shows at once, a better one only after it was seen twice in a
 * row (a mark that flickers with every sample helps nobody).
 */
export class QualitySmoother {
  private readonly shown = new Map<number, ConnectionQuality>();
  private readonly better = new Map<number, ConnectionQuality>();

  update(id: number, next: ConnectionQuality): ConnectionQuality {
    const shown = this.shown.get(id);
    if (shown === undefined || RANK[next] >= RANK[shown]) {
      this.shown.set(id, next);
      this.better.delete(id);
      return next;
    }
    if (this.better.get(id) === next) {
      this.shown.set(id, next);
      this.better.delete(id);
      return next;
    }
    this.better.set(id, next);
    return shown;
  }

  forget(id: number): void {
    this.shown.delete(id);
    this.better.delete(id);
  }
}

export interface QualityMonitorOptions {
  /** The connections to measure now. */
  ids: () => number[];
  stats: (id: number) => Promise<RTCStatsReport | null>;
  sendingVideo: () => boolean;
  changed: (peers: ReadonlyMap<number, ConnectionQuality>, own: ConnectionQuality | null) => void;
}

/** Reads every connection's statistics when `poll` is called (the session calls it every few s). */
export class QualityMonitor {
  private readonly options: QualityMonitorOptions;
  private readonly samples = new Map<number, LinkSample>();
  private readonly peers = new QualitySmoother();
  private readonly uplinks = new QualitySmoother();
  private shown = new Map<number, ConnectionQuality>();
  private own: ConnectionQuality | null = null;
  private polling = false;
  private stopped = false;

  constructor(options: QualityMonitorOptions) {
    this.options = options;
  }

  get current(): { peers: ReadonlyMap<number, ConnectionQuality>; own: ConnectionQuality | null } {
    return { peers: this.shown, own: this.own };
  }

  async poll(): Promise<void> {
    if (this.polling || this.stopped) {
      return; // the last one is still reading (a busy browser): skip this turn
    }
    this.polling = true;
    try {
      await this.measure();
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async measure(): Promise<void> {
    const ids = this.options.ids();
    const reports = await Promise.all(
      ids.map((id) => this.options.stats(id).catch(() => null)),
    );
    if (this.stopped) {
      return;
    }
    const sendingVideo = this.options.sendingVideo();
    const peers = new Map<number, ConnectionQuality>();
    const uplinks: ConnectionQuality[] = [];
    ids.forEach((id, index) => {
      const report = reports[index];
      const sample = report ? sampleStats(report) : null;
      if (!sample) {
        this.forget(id);
        return;
      }
      const stats = linkStats(this.samples.get(id) ?? null, sample);
      this.samples.set(id, sample);
      const both = stats.downLoss === null ? stats.upLoss : Math.max(stats.downLoss, stats.upLoss ?? 0);
      const common = { rttMs: stats.rttMs, outgoingBps: stats.outgoingBps, sendingVideo };
      peers.set(id, this.peers.update(id, classifyQuality({ ...common, lossRatio: both })));
      uplinks.push(this.uplinks.update(id, classifyQuality({ ...common, lossRatio: stats.upLoss })));
    });
    for (const id of this.samples.keys()) {
      if (!ids.includes(id)) {
        this.forget(id);
      }
    }
    const own = ownQuality(uplinks);
    if (own !== this.own || !sameQualities(peers, this.shown)) {
      this.shown = peers;
      this.own = own;
      this.options.changed(peers, own);
    }
  }

  private forget(id: number): void {
    this.samples.delete(id);
    this.peers.forget(id);
    this.uplinks.forget(id);
  }
}

function sameQualities(a: ReadonlyMap<number, ConnectionQuality>, b: ReadonlyMap<number, ConnectionQuality>): boolean {
  return a.size === b.size && [...a].every(([id, quality]) => b.get(id) === quality);
}
