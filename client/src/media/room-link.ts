/**
 * The media layer on the room's connection: signalling, ICE servers and media reports go through
 * the room's Socket.IO socket, and the room's events drive the session (who is there, who may
 * speak, mutes, the end).
 *
 * ```ts
 * const media = new MediaSession({ signalling: roomSignalling(connection) });
 * media.start(myUserId);
 * const unbind = bindRoom(media, connection, quickExit);
 * ```
 */

import type { Ack } from "../protocol/ack";
import type { RoomConnection } from "../protocol/connection";
import type { PayloadOf } from "../protocol/events";
import type { MediaSession } from "./session";
import type { MediaResult, MediaSignalling, SignalMessage } from "./types";

/** The part of a RoomConnection the media layer uses (tests pass a fake). */
export type MediaConnection = Pick<RoomConnection, "send" | "on" | "onJoin" | "onState">;

/** Something that runs hooks on quick exit (the page's QuickExit). */
export interface ExitHooks {
  onExit(hook: () => void): () => void;
}

function result(ack: Ack<object>): MediaResult {
  return ack.ok ? { ok: true } : { ok: false, code: ack.error.code, message: ack.error.message };
}

/**
 * Signalling through the room's socket. Messages to one person go one at a time (the next after
 * the server's answer to the previous one): the server handles a socket's events concurrently,
 * so this keeps an offer ahead of its candidates, and a burst of candidates never floods the
 * connection (a long-polling request carries at most 64 packets: `MAX_DECODE_PACKETS` in
 * server/extensions.py).
 */
export function roomSignalling(connection: MediaConnection): MediaSignalling {
  const queues = new Map<number, Promise<boolean>>();
  return {
    send: (to, message) => {
      const payload = { to_user_id: to, ...message } as PayloadOf<"rtc_signal">;
      const previous = queues.get(to) ?? Promise.resolve(true);
      const sent = previous.then(async () => (await connection.send("rtc_signal", payload)).ok);
      queues.set(to, sent);
      void sent.finally(() => {
        if (queues.get(to) === sent) {
          queues.delete(to);
        }
      });
      return sent;
    },
    onSignal: (handler) =>
      connection.on("rtc_signal", (data) => {
        const message: SignalMessage = {};
        if (data.description) {
          message.description = data.description;
        }
        if (data.candidate) {
          message.candidate = data.candidate;
        }
        handler(data.from_user_id, message);
      }),
    iceConfig: async () => {
      const ack = await connection.send("ice_servers", {});
      return ack.ok ? ack.data : null;
    },
    report: async (media) => result(await connection.send("set_media", media)),
  };
}

/**
 * Drive the session from the room: snapshots (peers, `may_speak`, the floor), mutes and requests
 * to unmute; close it when this person leaves, is removed, the meeting ends, the connection
 * closes for good or on quick exit. Returns the way to unbind.
 */
export function bindRoom(session: MediaSession, connection: MediaConnection, exit?: ExitHooks): () => void {
  const stops: Array<() => void> = [
    connection.on("room_state", (room) => session.applyRoom(room)),
    connection.onJoin((ack) => {
      if (!ack.ok) {
        return;
      }
      if (ack.data.where === "room" && ack.data.room) {
        session.applyRoom(ack.data.room);
        // Back after a reconnection: the room hears again what this person's media does.
        const { mic, camera } = session.state;
        if (mic || camera) {
          void connection.send("set_media", { audio: mic, video: camera }).then((answer) => {
            if (!answer.ok && mic) {
              void session.setMicEnabled(false);
            }
          });
        }
      } else {
        session.dropPeers();
        void session.setMicEnabled(false);
      }
    }),
    connection.on("mute_request", (data) => session.mutedBy(data.by)),
    connection.on("unmute_request", (data) => session.askedToUnmute(data.by)),
    connection.on("removed", () => session.close()),
    connection.on("meeting_ended", () => session.close()),
    connection.onState((state) => {
      if (state === "reconnecting") {
        session.dropPeers();
      } else if (state === "disconnected") {
        session.close();
      }
    }),
  ];
  if (exit) {
    stops.push(exit.onExit(() => session.close()));
  }
  return () => stops.forEach((stop) => stop());
}
