/**
 * Small progressive enhancements for server-rendered pages. Every page works without
 * them; each one is switched on by a data attribute in the markup:
 *
 * - `<button data-copy-target="#id">` copies that element's value (or text) and says so;
 * - `<form data-confirm="Question?">` asks before it is submitted;
 * - `<input type="hidden" data-timezone-field>` gets the browser's IANA time zone;
 * - `<div data-error-summary>` (a form's error summary, `server/templates/macros/forms.html`)
 *   takes the focus as the page loads, and its links move the focus to their field with the
 *   field's label and error in view;
 * - `<textarea data-agreement-defaults="id" data-language-field="id">` (a new group's agreement)
 *   follows a change of the group's language while nobody has edited it.
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
    doc.addEventListener("click", (event) => handleErrorSummaryClick(event, doc));
    doc.addEventListener("change", (event) => handleLanguageChange(event, doc));
  }
  fillTimezoneFields(doc);
  focusErrorSummary(doc);
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

/**
 * Focus the page's error summary, as GOV.UK does: a screen reader reads it, and Tab goes on to
 * its links. The server marks it `autofocus` too; this covers browsers that do not honour that on
 * a `<div>`. Nothing moves if the person is already somewhere on the page.
 */
export function focusErrorSummary(doc: Document = document): void {
  const summary = doc.querySelector<HTMLElement>("[data-error-summary]");
  const active = doc.activeElement;
  if (!summary || (active && active !== doc.body && active !== doc.documentElement)) {
    return;
  }
  summary.focus();
}

function handleErrorSummaryClick(event: Event, doc: Document): void {
  const link = event.target instanceof Element ? event.target.closest("[data-error-summary] a[href^='#']") : null;
  if (!(link instanceof HTMLAnchorElement)) {
    return;
  }
  const id = decodeURIComponent((link.getAttribute("href") ?? "").slice(1));
  const field = id ? doc.getElementById(id) : null;
  if (!(field instanceof HTMLElement)) {
    return;
  }
  // No jump to the fragment: the browser would scroll the input to the very top, under its own
  // label, and add a history entry.
  event.preventDefault();
  focusField(field, doc);
}

/**
 * Move the focus to `field` with what says what it is in view: the whole field (label or legend,
 * hint and error) when it fits on the screen, else its label. The page's `scroll-padding-top`
 * keeps it clear of the quick-exit bar.
 */
export function focusField(field: HTMLElement, doc: Document = document): void {
  const view = doc.defaultView ?? window;
  const label = labelOf(field);
  const block = field.closest<HTMLElement>(".field, fieldset");
  const fits = block !== null && block.getBoundingClientRect().height <= view.innerHeight * 0.75;
  const shown = (fits ? block : label) ?? block ?? field;
  // Not in every DOM (jsdom has none).
  if (typeof shown.scrollIntoView === "function") {
    shown.scrollIntoView({ block: "start" });
  }
  const box = field.getBoundingClientRect();
  const inView = box.top >= 0 && box.bottom <= view.innerHeight;
  field.focus({ preventScroll: inView });
}

/** The field's own label, or the legend of the group of choices it belongs to. */
function labelOf(field: HTMLElement): HTMLElement | null {
  const legend = field.closest("fieldset")?.querySelector<HTMLElement>(":scope > legend") ?? null;
  if (legend) {
    return legend;
  }
  const labelled =
    field instanceof HTMLInputElement || field instanceof HTMLSelectElement || field instanceof HTMLTextAreaElement;
  return (labelled ? field.labels?.[0] : undefined) ?? field.closest("label");
}

/** Each language's default agreement and the direction it is written in. */
type AgreementDefaults = Record<string, { text: string; dir: string }>;

function agreementDefaults(doc: Document, id: string): AgreementDefaults {
  const block = id ? doc.getElementById(id) : null;
  try {
    const parsed: unknown = JSON.parse(block?.textContent ?? "{}");
    return parsed !== null && typeof parsed === "object" ? (parsed as AgreementDefaults) : {};
  } catch {
    return {};
  }
}

/** A text as a textarea gives it back, for comparing: LF line ends, no space around. */
function normalisedText(text: string): string {
  return text.replace(/\r\n?/g, "\n").trim();
}

/**
 * The group's language changed: its agreement field says it is written in that language, and
 * the text becomes that language's default if it still is one of the defaults (the admin has not
 * edited it). The server does the same for a form sent without script.
 */
export function followLanguage(field: HTMLTextAreaElement, language: string, doc: Document = document): void {
  const defaults = agreementDefaults(doc, field.dataset.agreementDefaults ?? "");
  const chosen = defaults[language];
  if (!chosen) {
    return;
  }
  field.lang = language;
  field.dir = chosen.dir;
  const text = normalisedText(field.value);
  if (Object.values(defaults).some((other) => normalisedText(other.text) === text)) {
    field.value = chosen.text;
  }
}

function handleLanguageChange(event: Event, doc: Document): void {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.id) {
    return;
  }
  for (const field of doc.querySelectorAll<HTMLTextAreaElement>("textarea[data-agreement-defaults]")) {
    if (field.dataset.languageField === select.id) {
      followLanguage(field, select.value, doc);
    }
  }
}
