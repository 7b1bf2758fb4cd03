/**
 * Asking before something that cannot be undone ("Clear the queue", "Remove from group", "End
 * the meeting"): a native modal `<dialog>` that says what will happen. Focus starts on the safe
 * button (Cancel), Escape cancels, and focus goes back to the button that opened it.
 *
 * A modal dialog sits above everything and makes the rest of the page inert, the fixed "Leave
 * quickly" link too. So the dialog carries its own "Leave quickly" at the same place, first in
 * its keyboard order (Shift three times works throughout: the quick exit listens on the
 * document).
 */

import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { Ack } from "../../protocol/ack";
import type { PayloadOf, ReplyOf } from "../../protocol/events";
import { LINK_ID, startQuickExit } from "../../quick-exit";
import type { RequestEvent } from "./context";
import { useAction } from "./controls";
import { tr } from "./text";

export interface ConfirmDialogProps {
  open: boolean;
  /** The question, as the dialog's heading: "Remove Heron from the group?" */
  heading: string;
  /** What will happen, said plainly. */
  consequence: string;
  /** The confirming button: "Yes, remove from the group". */
  confirmLabel: string;
  onConfirm: () => void;
  /** Cancel, Escape, or done: the owner sets `open` to false. */
  onClose: () => void;
  /** A refusal from the server, shown in the dialog. */
  error?: string;
  pending?: boolean;
  /** Where focus goes back to (default: whatever had it when the dialog opened). */
  returnTo?: { current: HTMLElement | null };
}

/**
 * The page's own "Leave quickly" link (its text is in the page's language already), for any
 * modal dialog of the room: first in the dialog, where the page's own one is.
 */
export function QuickExitInDialog() {
  const link = typeof document !== "undefined" ? document.getElementById(LINK_ID) : null;
  const href = link?.getAttribute("href") ?? "about:blank";
  return (
    <a
      class="quick-exit confirm-quick-exit"
      href={href}
      rel="noreferrer noopener"
      onClick={(event) => {
        event.preventDefault();
        startQuickExit().exit();
      }}
    >
      {link?.textContent?.trim() || tr("quickExitLabel")}
    </a>
  );
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const headingId = useId();
  const textId = useId();
  const errorId = useId();
  const { open, onClose, returnTo } = props;

  useEffect(() => {
    const element = dialog.current;
    if (!element || !open) {
      return undefined;
    }
    const active = element.ownerDocument.activeElement;
    opener.current = returnTo?.current ?? (active instanceof HTMLElement ? active : null);
    if (!element.open) {
      if (typeof element.showModal === "function") {
        element.showModal();
      } else {
        element.setAttribute("open", "");
      }
    }
    cancel.current?.focus();
    return () => {
      if (typeof element.close === "function" && element.open) {
        element.close();
      } else {
        element.removeAttribute("open");
      }
      // Back to the button that opened it, when it is still there (else the part's heading
      // takes focus: Section's rescue).
      const back = opener.current;
      opener.current = null;
      if (back?.isConnected) {
        back.focus();
      }
    };
  }, [open, returnTo]);

  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby={headingId}
      aria-describedby={textId}
      onCancel={(event) => {
        // Escape: the owner closes it, so that its state and the page agree.
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          // Only the dialog closes, not the menu or the panel around it.
          event.preventDefault();
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {open && (
        <>
          <QuickExitInDialog />
          <h2 id={headingId} class="confirm-dialog-heading">
            {props.heading}
          </h2>
          <p id={textId}>{props.consequence}</p>
          <p id={errorId} class="error action-error" role="status">
            {props.error ?? ""}
          </p>
          <div class="confirm-dialog-buttons">
            <button ref={cancel} type="button" class="button secondary" onClick={onClose}>
              {tr("cancel")}
            </button>
            <button
              type="button"
              class="button danger"
              aria-describedby={props.error ? errorId : undefined}
              aria-disabled={props.pending || undefined}
              onClick={() => {
                if (!props.pending) {
                  props.onConfirm();
                }
              }}
            >
              {props.confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

export interface ConfirmActionProps<E extends RequestEvent> {
  event: E;
  payload: PayloadOf<E>;
  /** The opening button's text. */
  children: ComponentChildren;
  /** The opening button's classes besides `button` (default "secondary"). */
  variant?: string;
  /** Its accessible name when the text is not enough ("Remove Heron from the group"). */
  label?: string;
  heading: string;
  consequence: string;
  confirmLabel: string;
  onDone?: (ack: Ack<ReplyOf<E>>) => void;
}

/** A button that asks in a ConfirmDialog, then sends one request; a refusal shows in the dialog. */
export function ConfirmAction<E extends RequestEvent>(props: ConfirmActionProps<E>) {
  const action = useAction();
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  return (
    <span class="action">
      <button
        ref={trigger}
        type="button"
        class={`button ${props.variant ?? "secondary"}`}
        aria-label={props.label}
        aria-haspopup="dialog"
        onClick={() => {
          action.setError("");
          setOpen(true);
        }}
      >
        {props.children}
      </button>
      <ConfirmDialog
        open={open}
        heading={props.heading}
        consequence={props.consequence}
        confirmLabel={props.confirmLabel}
        error={action.error}
        pending={action.pending}
        returnTo={trigger}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          const ack = await action.run(props.event, props.payload);
          if (ack.ok) {
            setOpen(false);
          }
          props.onDone?.(ack);
        }}
      />
    </span>
  );
}
