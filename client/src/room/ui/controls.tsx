/**
 * Buttons that send one request and show a refusal right beside themselves: the server's
 * message (already in the person's language) in a `role="status"` line the button points to
 * with `aria-describedby`. Never an alert().
 */

import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { errorText } from "../../i18n";
import type { Ack } from "../../protocol/ack";
import type { PayloadOf, ReplyOf } from "../../protocol/events";
import { type RequestEvent, useRoom } from "./context";
import { roomLanguage } from "./text";

export interface Action {
  /** Send a request; resolves with its acknowledgement after showing a refusal. */
  run<E extends RequestEvent>(event: E, payload: PayloadOf<E>): Promise<Ack<ReplyOf<E>>>;
  pending: boolean;
  error: string;
  errorId: string;
  setError(text: string): void;
}

/** One control's request state: pending while it waits, and the refusal to show. */
export function useAction(): Action {
  const { send } = useRoom();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState("");
  const errorId = useId();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  async function run<E extends RequestEvent>(
    event: E,
    payload: PayloadOf<E>,
  ): Promise<Ack<ReplyOf<E>>> {
    setPending(true);
    setError("");
    const ack = await send(event, payload);
    if (mounted.current) {
      setPending(false);
      setError(ack.ok ? "" : errorText(ack.error, roomLanguage()));
    }
    return ack;
  }

  return { run, pending, error, errorId, setError };
}

/** The line beside a control that says why it was refused (empty, but present, otherwise). */
export function ActionError({ action }: { action: Pick<Action, "error" | "errorId"> }) {
  return (
    <p id={action.errorId} class="error action-error" role="status">
      {action.error}
    </p>
  );
}

export interface ActionButtonProps<E extends RequestEvent> {
  event: E;
  payload: PayloadOf<E>;
  children: ComponentChildren;
  /** Extra classes besides `button` (e.g. "primary small"). */
  variant?: string;
  /** An accessible name when the visible text is not enough ("Admit Alex"). */
  label?: string;
  pressed?: boolean;
  disabled?: boolean;
  onDone?: (ack: Ack<ReplyOf<E>>) => void;
}

export function ActionButton<E extends RequestEvent>(props: ActionButtonProps<E>) {
  const action = useAction();
  const { event, payload, onDone } = props;
  return (
    <span class="action">
      <button
        type="button"
        class={`button ${props.variant ?? "secondary"}`}
        aria-label={props.label}
        aria-pressed={props.pressed}
        aria-describedby={action.error ? action.errorId : undefined}
        aria-disabled={action.pending || undefined}
        disabled={props.disabled}
        onClick={async () => {
          if (action.pending) {
            return;
          }
          const ack = await action.run(event, payload);
          onDone?.(ack);
        }}
      >
        {props.children}
      </button>
      <ActionError action={action} />
    </span>
  );
}
