/**
 * The acknowledgement envelope every request gets back from the server:
 * `{ok: true, ...reply}` or `{ok: false, error: {code, message}}`.
 *
 * DOM-free: nothing in src/protocol touches `document` or `window`.
 */

export interface AckError {
  /** Stable, machine-readable (see docs/protocol.md); the UI chooses what to show by it. */
  code: string;
  /** Human-readable, already in the person's language. */
  message: string;
  /** Details some codes carry (e.g. `retry_after` with `rate_limited`); never content. */
  readonly [detail: string]: unknown;
}

export type AckSuccess<T extends object> = { ok: true } & T;
export interface AckFailure {
  ok: false;
  error: AckError;
}
export type Ack<T extends object = Record<never, never>> = AckSuccess<T> | AckFailure;

/** Codes the client gives failures that never reached, or never came back from, the server. */
export const ClientErrorCode = {
  /** No acknowledgement within the time limit (or the connection dropped meanwhile). */
  timeout: "timeout",
  /** The acknowledgement was not an envelope this client understands. */
  badReply: "bad_reply",
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** A request the server refused or that could not be completed, with its stable code. */
export class RoomError extends Error {
  override readonly name = "RoomError";
  readonly code: string;
  /** The error's details besides code and message. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static from(error: AckError): RoomError {
    const { code, message, ...details } = error;
    return new RoomError(code, message, details);
  }

  toAckError(): AckError {
    return { ...this.details, code: this.code, message: this.message };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function failure(code: string, message: string, details: Record<string, unknown> = {}): AckFailure {
  return { ok: false, error: { ...details, code, message } };
}

/**
 * Check that `raw` is an envelope. A success's own fields are checked by `isReply` when
 * given (otherwise trusted as typed); anything malformed becomes a `bad_reply` failure.
 */
export function parseAck<T extends object>(
  raw: unknown,
  isReply?: (value: Record<string, unknown>) => boolean,
): Ack<T> {
  if (!isRecord(raw) || typeof raw.ok !== "boolean") {
    return failure(ClientErrorCode.badReply, "The server sent a reply this page does not understand.");
  }
  if (raw.ok) {
    if (isReply && !isReply(raw)) {
      return failure(ClientErrorCode.badReply, "The server's reply is missing something.");
    }
    return raw as AckSuccess<T>;
  }
  const error = raw.error;
  if (isRecord(error) && typeof error.code === "string" && error.code !== "") {
    const message = typeof error.message === "string" ? error.message : error.code;
    return failure(error.code, message, error);
  }
  return failure(ClientErrorCode.badReply, "The server refused without saying why.");
}

/** The reply of a successful acknowledgement; a failure is thrown as a RoomError. */
export function unwrap<T extends object>(ack: Ack<T>): AckSuccess<T> {
  if (ack.ok) {
    return ack;
  }
  throw RoomError.from(ack.error);
}
