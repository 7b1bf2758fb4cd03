/**
 * Small progressive enhancements for server-rendered pages. Every page works without
 * them; each one is switched on by a data attribute in the markup:
 *
 * - `<button data-copy-target="#id">` copies that element's value (or text) and says so;
 * - `<form data-confirm="Question?">` asks before it is submitted;
 * - `<input type="hidden" data-timezone-field>` gets the browser's IANA time zone.
 */

import { t } from "./i18n";

const COPIED_FOR_MS = 2000;
const LIVE_REGION_ID = "kreds-announcer";

const enhanced = new WeakSet<Document>();

/**
 * Switch every enhancement on for `doc`. Listeners are delegated (once per document), so
 * markup added later works too.
 */
export function enhance(doc: Document = document): void {
  if (!enhanced.has(doc)) {
    enhanced.add(doc);
    doc.addEventListener("click", (event) => void handleCopyClick(event, doc));
    doc.addEventListener("submit", (event) => handleConfirmSubmit(event, doc), true);
  }
  fillTimezoneFields(doc);
}

/** Say `message` to screen readers through one polite live region (created on first use). */
export function announce(message: string, doc: Document = document): void {
  let region = doc.getElementById(LIVE_REGION_ID);
  if (!region) {
    region = doc.createElement("div");
    region.id = LIVE_REGION_ID;
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    doc.body.append(region);
  }
  // Emptied first so that the same message twice in a row is announced twice.
  region.textContent = "";
  const view = doc.defaultView ?? window;
  view.setTimeout(() => {
    if (region) {
      region.textContent = message;
    }
  }, 50);
}

/** The text a copy button copies: a field's value, or an element's visible text. */
export function copyableText(element: Element): string {
  if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
    return element.value;
  }
  return (element.textContent ?? "").trim();
}

async function handleCopyClick(event: Event, doc: Document): Promise<void> {
  const button = event.target instanceof Element ? event.target.closest("[data-copy-target]") : null;
  if (!(button instanceof HTMLElement)) {
    return;
  }
  const selector = button.dataset.copyTarget ?? "";
  const target = selector ? safeQuery(doc, selector) : null;
  if (!target) {
    return;
  }
  event.preventDefault();
  const copied = await writeClipboard(copyableText(target), doc);
  if (copied) {
    showCopied(button, doc);
    announce(t("copied"), doc);
  } else {
    selectContents(target, doc);
    announce(t("copyFailed"), doc);
  }
}

function safeQuery(doc: Document, selector: string): Element | null {
  try {
    return doc.querySelector(selector);
  } catch {
    return null;
  }
}

async function writeClipboard(text: string, doc: Document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (!clipboard) {
    return false;
  }
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Show "Copied" on the button for a moment, for people who do not hear the announcement. */
function showCopied(button: HTMLElement, doc: Document): void {
  if (button.dataset.copyLabel === undefined) {
    button.dataset.copyLabel = button.textContent ?? "";
  }
  button.textContent = t("copied");
  button.classList.add("copied");
  const view = doc.defaultView ?? window;
  view.setTimeout(() => {
    button.textContent = button.dataset.copyLabel ?? "";
    delete button.dataset.copyLabel;
    button.classList.remove("copied");
  }, COPIED_FOR_MS);
}

/** When copying is not possible, select the text so the person can copy it themselves. */
function selectContents(target: Element, doc: Document): void {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    target.focus();
    target.select();
    return;
  }
  const selection = doc.getSelection();
  if (selection) {
    const range = doc.createRange();
    range.selectNodeContents(target);
    selection.removeAllRanges();
    selection.addRange(range);
  }
}

function handleConfirmSubmit(event: SubmitEvent | Event, doc: Document): void {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  const question = form.dataset.confirm;
  if (!question) {
    return;
  }
  const view = doc.defaultView ?? window;
  if (!view.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}

/** The browser's IANA time zone, or undefined when it does not say. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function fillTimezoneFields(doc: Document = document): void {
  const zone = browserTimeZone();
  if (!zone) {
    return;
  }
  for (const input of doc.querySelectorAll<HTMLInputElement>("input[data-timezone-field]")) {
    input.value = zone;
  }
}
