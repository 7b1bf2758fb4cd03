/**
 * Requests with an acknowledgement, typed by the protocol's event map, on top of
 * socket.io-client's `socket.timeout(ms).emitWithAck(event, payload)`.
 */

import { type Ack, ClientErrorCode, type AckSuccess, failure, parseAck, unwrap } from "./ack";
import type { ClientRequests, RequestMap } from "./events";

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The part of a socket.io-client `Socket` this module uses (a real socket fits; tests pass
 * a fake).
 */
export interface AckingSocket {
  timeout(ms: number): {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
}

export interface EmitOptions {
  /** How long to wait for the acknowledgement. */
  timeoutMs?: number;
  /** Checks a success's own fields (see `parseAck`). */
  isReply?: (value: Record<string, unknown>) => boolean;
}

/**
 * Send `event` with `payload` and wait for its acknowledgement. Never rejects: a timeout, a
 * dropped connection or a malformed reply becomes an `{ok: false}` envelope with a client code.
 */
export async function emitWithAck<
  M extends RequestMap<M> = ClientRequests,
  E extends keyof M & string = keyof M & string,
>(
  socket: AckingSocket,
  event: E,
  payload: M[E]["payload"],
  options: EmitOptions | number = {},
): Promise<Ack<M[E]["reply"]>> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, isReply } =
    typeof options === "number" ? { timeoutMs: options, isReply: undefined } : options;
  let raw: unknown;
  try {
    raw = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    // socket.io rejects only when no acknowledgement arrived in time.
    return failure(ClientErrorCode.timeout, "The server did not answer in time.");
  }
  return parseAck<M[E]["reply"]>(raw, isReply);
}

/** Like `emitWithAck`, but resolves with the reply and rejects with a `RoomError`. */
export async function request<
  M extends RequestMap<M> = ClientRequests,
  E extends keyof M & string = keyof M & string,
>(
  socket: AckingSocket,
  event: E,
  payload: M[E]["payload"],
  options: EmitOptions | number = {},
): Promise<AckSuccess<M[E]["reply"]>> {
  return unwrap(await emitWithAck<M, E>(socket, event, payload, options));
}
