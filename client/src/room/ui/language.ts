/**
 * Changing the language in the room without reloading it: a reload would end the person's
 * connection, wipe the chat and private lines that this page alone holds, and turn their
 * microphone and camera off.
 *
 * The choice goes to the server through the page's own language form (remembered on the
 * account, as a click on it would), the words the server wrote around the room (header, quick
 * exit, title) are taken from the same page rendered again in the new language, and the room
 * renders again in place (`rerender`).
 */

const SWAPPED = [".site-header", ".site-footer"] as const;

function form(doc: Document): HTMLFormElement | null {
  return doc.querySelector<HTMLFormElement>("form.language-form");
}

/** Send the choice as the page's form would; false if the server could not be reached. */
async function remember(doc: Document, language: string): Promise<boolean> {
  const element = form(doc);
  if (!element) {
    return false;
  }
  const body = new FormData();
  const token = element.querySelector<HTMLInputElement>('input[name="csrf_token"]')?.value ?? "";
  body.set("csrf_token", token);
  body.set("language", language);
  body.set("next", doc.defaultView?.location.pathname ?? "/");
  try {
    const response = await fetch(element.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
    });
    return response.type === "opaqueredirect" || response.ok;
  } catch {
    return false;
  }
}

/** Put the server's words of `fresh` (the page in the new language) into `doc`. */
export function adoptChrome(doc: Document, fresh: Document): void {
  doc.title = fresh.title;
  doc.documentElement.lang = fresh.documentElement.lang;
  // Arabic is written right to left: the whole page mirrors (the stylesheets are logical).
  doc.documentElement.dir = fresh.documentElement.dir || "ltr";
  const language = fresh.body.dataset.language;
  if (language) {
    doc.body.dataset.language = language;
  }
  for (const selector of SWAPPED) {
    const mine = doc.querySelector(selector);
    const theirs = fresh.querySelector(selector);
    if (mine && theirs) {
      mine.replaceWith(doc.importNode(theirs, true));
    }
  }
  for (const selector of ["#quick-exit", ".skip-link"]) {
    const mine = doc.querySelector(selector);
    const theirs = fresh.querySelector(selector);
    if (mine && theirs) {
      // The words only: the quick exit's listeners stay on its element.
      mine.textContent = theirs.textContent;
    }
  }
}

/**
 * Switch the page to `language`: tell the server, take its words, and render the room again.
 * Resolves false (nothing changed) when the server could not be reached.
 */
export async function switchLanguage(
  doc: Document,
  language: string,
  rerender: (language: string) => void,
): Promise<boolean> {
  if (!(await remember(doc, language))) {
    return false;
  }
  rerender(language);
  try {
    const response = await fetch(doc.defaultView?.location.href ?? "", {
      credentials: "same-origin",
    });
    if (response.ok) {
      adoptChrome(doc, new DOMParser().parseFromString(await response.text(), "text/html"));
    }
  } catch {
    // The room is in the new language already; the header follows at the next page.
  }
  return true;
}

/**
 * The header's language switch, in the room: switch in place instead of reloading. The chosen
 * language is the form's `language` as it would be sent (a list and a "Change" button, or a
 * button per language: the pressed button's value counts, as in a real submission).
 */
export function keepRoomOnLanguageChange(
  doc: Document,
  change: (language: string) => Promise<void>,
): () => void {
  const onSubmit = (event: SubmitEvent): void => {
    const target = event.target;
    if (!(target instanceof HTMLFormElement) || !target.matches("form.language-form")) {
      return;
    }
    const chosen = new FormData(target, event.submitter).get("language");
    const language = typeof chosen === "string" ? chosen : "";
    if (!language) {
      return;
    }
    event.preventDefault();
    if (language === doc.documentElement.lang) {
      return; // "Change" on the language the page already speaks: nothing to do.
    }
    void change(language);
  };
  doc.addEventListener("submit", onSubmit);
  return () => doc.removeEventListener("submit", onSubmit);
}
