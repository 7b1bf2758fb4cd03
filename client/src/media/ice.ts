/**
 * ICE servers for new peer connections, from the room (`ice_servers`): fetched once and again
 * before the TURN credentials expire (a connection that is up keeps working after they do).
 */

import type { IceConfiguration, MediaSignalling } from "./types";

// Credentials are fetched again this long before they expire.
const MARGIN_MS = 5 * 60 * 1000;

/** The server's answer as an RTCConfiguration (nothing usable: no servers, as on one network). */
export function rtcConfiguration(found: IceConfiguration | null): RTCConfiguration {
  if (!found || !Array.isArray(found.ice_servers)) {
    return {};
  }
  return {
    iceServers: found.ice_servers.map((server) => ({
      urls: server.urls,
      ...(server.username !== undefined ? { username: server.username } : {}),
      ...(server.credential !== undefined ? { credential: server.credential } : {}),
    })),
    iceTransportPolicy: found.ice_transport_policy === "relay" ? "relay" : "all",
  };
}

/** What a connection uses while the room has not said how to connect: nothing is gathered. */
const UNANSWERED: RTCConfiguration = { iceServers: [], iceTransportPolicy: "relay" };

export class IceCache {
  private cached: { config: RTCConfiguration; until: number } | null = null;
  private fetching: Promise<RTCConfiguration> | null = null;

  constructor(
    private readonly signalling: Pick<MediaSignalling, "iceConfig">,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<RTCConfiguration> {
    if (this.cached && this.clock() < this.cached.until) {
      return Promise.resolve(this.cached.config);
    }
    this.fetching ??= this.signalling
      .iceConfig()
      .catch(() => null)
      .then((found) => {
        this.fetching = null;
        if (found === null) {
          // No answer: this connection gathers no candidates at all rather than direct ones
          // (which would tell the other browser this one's address where the room relays), and
          // the next connection asks again.
          return { ...UNANSWERED };
        }
        const config = rtcConfiguration(found);
        const until = found.expires_at ? found.expires_at * 1000 - MARGIN_MS : Infinity;
        this.cached = { config, until };
        return config;
      });
    return this.fetching;
  }
}
