/**
 * Keyboard shortcuts for the microphone (M), the camera (V) and the hand (H), and "?" for the
 * list of them. WCAG 2.1.4: single keys, so they can be turned off (under More, or in the list),
 * and they never act while the person types in a field. A shortcut presses the toolbar's own
 * button, so it does exactly what a click does and shows the same refusals.
 */

import { useEffect, useRef } from "preact/hooks";
import type { MessageKey } from "../../i18n";
import { QuickExitInDialog } from "./ConfirmDialog";
import { useLayout } from "./layout";
import { tr } from "./text";

const KEYS: Readonly<Record<string, string>> = {
  m: '.room-toolbar [data-media="mic"]',
  v: '.room-toolbar [data-media="camera"]',
  h: '.room-toolbar [data-testid="hand-button"]',
};

const LIST: ReadonlyArray<readonly [string, MessageKey]> = [
  ["M", "shortcutMic"],
  ["V", "shortcutCamera"],
  ["H", "shortcutHand"],
  ["?", "shortcutHelp"],
];

/** Whether a key press belongs to what the person is typing or to an open control. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** "Keyboard shortcuts on": in the list of them and under More. */
export function ShortcutsToggle() {
  const layout = useLayout();
  return (
    <label class="checkbox">
      <input
        type="checkbox"
        checked={layout.shortcuts}
        onChange={(event) => layout.set({ shortcuts: event.currentTarget.checked })}
      />
      {tr("shortcutsLabel")}
    </label>
  );
}

export function Shortcuts() {
  const layout = useLayout();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const open = (): void => {
      const element = dialog.current;
      if (element && !element.open && typeof element.showModal === "function") {
        opener.current = document.activeElement;
        element.showModal();
      }
    };
    const onKey = (event: KeyboardEvent): void => {
      if (
        !layout.shortcuts ||
        event.defaultPrevented ||
        event.ctrlKey ||
        event.metaKey ||
        event.altKey ||
        typing(event.target) ||
        dialog.current?.open
      ) {
        return;
      }
      if (event.key === "?") {
        event.preventDefault();
        open();
        return;
      }
      const selector = KEYS[event.key.toLowerCase()];
      const button = selector ? document.querySelector<HTMLButtonElement>(selector) : null;
      if (button) {
        event.preventDefault();
        button.click();
      }
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("kreds:shortcuts-help", open);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("kreds:shortcuts-help", open);
    };
  }, [layout.shortcuts]);

  return (
    <dialog
      ref={dialog}
      class="card shortcuts-dialog"
      aria-labelledby="shortcuts-heading"
      onClose={() => {
        if (opener.current instanceof HTMLElement) {
          opener.current.focus();
        }
      }}
    >
      {/* A modal dialog makes the page's own "Leave quickly" inert: it carries its own. */}
      <QuickExitInDialog />
      <h2 id="shortcuts-heading">{tr("shortcutsHeading")}</h2>
      <dl class="shortcut-list">
        {LIST.map(([key, label]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{tr(label)}</dd>
          </div>
        ))}
      </dl>
      <p class="hint">{tr("shortcutsNote")}</p>
      <ShortcutsToggle />
      <div class="actions">
        <button type="button" class="button primary" onClick={() => dialog.current?.close()}>
          {tr("close")}
        </button>
      </div>
    </dialog>
  );
}
