/**
 * One meeting's connection: a socket.io-client socket to the same origin (the page's session
 * cookie identifies the person) made for that meeting, typed requests and server events, the
 * connection's state, and a new `join` after every reconnection (the server keeps the place for
 * a grace period) and after `moving` (the meeting is moving to another server process).
 *
 * DOM-free: the room's UI calls this; nothing here touches the page.
 */

import { io } from "socket.io-client";
import { type Ack, type AckFailure, failure } from "./ack";
import { type AckingSocket, DEFAULT_TIMEOUT_MS, emitWithAck } from "./emit";
import {
  type ClientEvent,
  type ClientRequests,
  FINAL_JOIN_ERRORS,
  type JoinData,
  type PayloadOf,
  type ReplyOf,
  type ServerEvent,
  type ServerEvents,
} from "./events";

/**
 * `connecting`: the first connection is being made; `connected`; `reconnecting`: the connection
 * broke and socket.io is trying again by itself; `disconnected`: closed for good (by us, by
 * the server, or refused).
 */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

// Listeners take what the event carries; socket.io types it per event, this layer per call.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/** The part of a socket.io-client `Socket` the connection uses (tests pass a fake). */
export interface RoomSocket extends AckingSocket {
  readonly connected: boolean;
  /** The manager under the socket: the transport itself (see `leaveQuickly`). */
  readonly io: { reconnection(on: boolean): unknown; engine?: { close(): unknown } };
  /** False after the server refused the connection (no automatic reconnection then). */
  readonly active: boolean;
  connect(): unknown;
  disconnect(): unknown;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener?: Listener): unknown;
}

export interface RoomConnectionOptions {
  /** The socket to use; by default a same-origin socket.io-client socket (`createSocket`). */
  socket?: RoomSocket;
  /** How long to wait for each acknowledgement. */
  timeoutMs?: number;
  /** How long to wait before joining again after `moving` (by default 1–1.5 s). */
  movingRetryMs?: number;
}

export type JoinAck = Ack<ReplyOf<"join">>;

/**
 * A socket to this page's own origin, with the session cookie, reconnecting by itself. It is
 * made for one meeting: the meeting is in the query of every request of the connection, so the
 * proxy sends every socket of that meeting to the server process that holds it.
 */
export function createSocket(meetingId: number): RoomSocket {
  return io({
    query: { meeting: String(meetingId) },
    autoConnect: false,
    withCredentials: true,
    transports: ["websocket", "polling"],
    // Falls back to long-polling where a proxy refuses WebSocket.
    tryAllTransports: true,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 8000,
  });
}

export class RoomConnection {
  readonly meetingId: number;
  private readonly socket: RoomSocket;
  private readonly timeoutMs: number;
  private readonly movingRetryMs: () => number;
  private currentState: ConnectionState = "connecting";
  private everConnected = false;
  /** Whether this page means to be in the meeting (re-join after a reconnection). */
  private wantsRoom = false;
  private closed = false;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly joinListeners = new Set<(ack: JoinAck) => void>();
  /** The `room_state` handlers, also given the snapshot an acknowledgement carries. */
  private readonly roomListeners = new Set<Listener>();
  private readonly waiters = new Set<(refusal: AckFailure | null) => void>();

  constructor(meetingId: number, options: RoomConnectionOptions = {}) {
    this.meetingId = meetingId;
    this.socket = options.socket ?? createSocket(meetingId);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const retryMs = options.movingRetryMs;
    this.movingRetryMs = () => retryMs ?? 1000 + Math.random() * 500;
    this.socket.on("connect", this.handleConnect);
    this.socket.on("disconnect", this.handleDisconnect as Listener);
    this.socket.on("connect_error", this.handleConnectError as Listener);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Called with every change of the connection's state. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called with the answer to every `join`: the first, and each one after a reconnection. */
  onJoin(listener: (ack: JoinAck) => void): () => void {
    this.joinListeners.add(listener);
    return () => this.joinListeners.delete(listener);
  }

  /** Handle a server event of this meeting (events naming another meeting are ignored). */
  on<E extends ServerEvent>(event: E, handler: (data: ServerEvents[E]) => void): () => void {
    const listener = (data: unknown): void => {
      if (isRecord(data) && data.meeting_id === this.meetingId) {
        handler(data as unknown as ServerEvents[E]);
      }
    };
    this.socket.on(event, listener as Listener);
    if (event === "room_state") {
      this.roomListeners.add(listener);
    }
    return () => {
      this.socket.off(event, listener as Listener);
      this.roomListeners.delete(listener);
    };
  }

  /** Connect (if not yet) and join the meeting; after a reconnection it joins again by itself. */
  async join(): Promise<JoinAck> {
    if (this.closed) {
      return failure("closed", "The connection is closed.");
    }
    this.wantsRoom = true;
    const refusal = await this.whenConnected();
    return refusal ?? this.sendJoin();
  }

  /** Send a request about this meeting (its `meeting_id` is added) and wait for the answer. */
  async send<E extends Exclude<ClientEvent, "join">>(
    event: E,
    payload: PayloadOf<E>,
  ): Promise<Ack<ReplyOf<E>>> {
    if (!this.socket.connected) {
      return failure("timeout", "Not connected.");
    }
    const full = { ...payload, meeting_id: this.meetingId } as ClientRequests[E]["payload"];
    const ack = await emitWithAck<ClientRequests, E>(this.socket, event, full, this.timeoutMs);
    this.answered(ack);
    return ack;
  }

  /** Leave on purpose (no place is kept), then close. */
  async leave(): Promise<void> {
    this.wantsRoom = false;
    if (this.socket.connected) {
      await this.send("leave", {});
    }
    this.close();
  }

  /**
   * Leave with "Leave quickly": say so (the facilitators are told, privately) without waiting
   * for the answer, then close at once. The request goes out before the socket's close does.
   */
  leaveQuickly(): void {
    if (this.socket.connected && !this.closed) {
      void emitWithAck(this.socket, "leave", { meeting_id: this.meetingId, quick: true }, 1);
      // The transport is closed, not the socket: a socket closed by the client leaves the meeting
      // on the server at once, and python-socketio may handle that close before the "leave"
      // just sent (events run in tasks of their own, a disconnect at once), which loses "left
      // quickly". A dropped transport keeps the place until this "leave", or the quick exit's
      // beacon, makes the person leave with the facilitators told. The engine sends what is
      // queued (the "leave") before it closes.
      this.socket.io.reconnection(false);
      this.socket.io.engine?.close();
      this.finish();
      return;
    }
    this.close();
  }

  /** Close for good: no reconnection, no re-join. Safe to call more than once. */
  close(): void {
    this.finish(() => this.socket.disconnect());
  }

  private finish(disconnect?: () => void): void {
    this.wantsRoom = false;
    this.closed = true;
    disconnect?.();
    this.settleWaiters(failure("closed", "The connection is closed."));
    this.setState("disconnected");
  }

  private whenConnected(): Promise<AckFailure | null> {
    if (this.socket.connected) {
      return Promise.resolve(null);
    }
    const settled = new Promise<AckFailure | null>((resolve) => this.waiters.add(resolve));
    this.socket.connect();
    return settled;
  }

  private async sendJoin(): Promise<JoinAck> {
    let ack = await this.emitJoin();
    while (!ack.ok && ack.error.code === "moving" && this.wantsRoom && !this.closed) {
      // The meeting is moving to another server process: as after a dropped connection, the
      // place is kept, and joining again in a moment finds the meeting where it is now.
      this.setState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, this.movingRetryMs()));
      if (!this.socket.connected || !this.wantsRoom || this.closed) {
        return ack; // a new connection joins again by itself, or the page left
      }
      ack = await this.emitJoin();
      if (ack.ok || ack.error.code !== "moving") {
        this.setState("connected");
      }
    }
    if (!ack.ok && FINAL_JOIN_ERRORS.includes(ack.error.code)) {
      this.wantsRoom = false;
    }
    this.answered(ack);
    for (const listener of [...this.joinListeners]) {
      listener(ack);
    }
    return ack;
  }

  private emitJoin(): Promise<JoinAck> {
    return emitWithAck<ClientRequests, "join">(
      this.socket,
      "join",
      { meeting_id: this.meetingId },
      { timeoutMs: this.timeoutMs, isReply: isJoinReply },
    );
  }

  /**
   * The server answers the socket whose request changed the room with its new `room_state` in
   * the acknowledgement (`data.room`) and sends it no frame of its own: the `room_state`
   * handlers get it here, before the answer reaches whoever sent the request.
   */
  private answered(ack: Ack<object>): void {
    const data: unknown = ack.ok ? (ack as { data?: unknown }).data : undefined;
    if (isRecord(data) && isRecord(data.room)) {
      for (const listener of [...this.roomListeners]) {
        listener(data.room);
      }
    }
  }

  private readonly handleConnect = (): void => {
    const again = this.everConnected;
    this.everConnected = true;
    this.setState("connected");
    this.settleWaiters(null);
    if (again && this.wantsRoom) {
      void this.sendJoin();
    }
  };

  private readonly handleDisconnect = (reason: string): void => {
    // "io client disconnect": we closed; "io server disconnect": the server ended this
    // connection on purpose (log-out, removal): socket.io does not reconnect after either.
    const final =
      this.closed || reason === "io client disconnect" || reason === "io server disconnect";
    this.setState(final ? "disconnected" : "reconnecting");
  };

  private readonly handleConnectError = (error: { message?: string }): void => {
    if (!this.socket.active) {
      // Refused by the server (e.g. `not_logged_in`): socket.io gives up.
      const code = error?.message || "refused";
      this.settleWaiters(failure(code, code));
      this.setState("disconnected");
      return;
    }
    this.setState(this.everConnected ? "reconnecting" : "connecting");
  };

  private settleWaiters(refusal: AckFailure | null): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) {
      resolve(refusal);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) {
      return;
    }
    this.currentState = state;
    for (const listener of [...this.stateListeners]) {
      listener(state);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isJoinReply(value: Record<string, unknown>): boolean {
  const data = value.data;
  return isRecord(data) && (data.where === "lobby" || data.where === "room");
}

export type { JoinData };
