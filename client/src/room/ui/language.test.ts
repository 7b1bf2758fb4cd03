/**
 * Changing the language in the room without a reload (./language.ts): the server's words around
 * the room (header, footer, title, quick exit) and the page's direction are taken from the page
 * in the new language, while the room itself and the quick exit's element (with its listeners)
 * stay.
 */

import { afterEach, describe, expect, it, vi } from "vitest";
import { adoptChrome, keepRoomOnLanguageChange, switchLanguage } from "./language";

interface Words {
  lang: string;
  dir: "ltr" | "rtl";
  title: string;
  leave: string;
  skip: string;
  main: string;
  meetings: string;
  safety: string;
}

const EN: Words = {
  lang: "en",
  dir: "ltr",
  title: "Tuesday group · Kreds",
  leave: "Leave quickly",
  skip: "Skip to content",
  main: "Main",
  meetings: "My meetings",
  safety: "Safety and help",
};

const DA: Words = {
  lang: "da",
  dir: "ltr",
  title: "Tirsdagsgruppen · Kreds",
  leave: "Gå lige fra",
  skip: "Gå til indholdet",
  main: "Hovedmenu",
  meetings: "Mine møder",
  safety: "Tryghed og hjælp",
};

const AR: Words = {
  lang: "ar",
  dir: "rtl",
  title: "Tuesday group · Kreds",
  leave: "خروج سريع",
  skip: "الانتقال إلى المحتوى",
  main: "القائمة الرئيسية",
  meetings: "لقاءاتي",
  safety: "الأمان والمساعدة",
};

const NAMES: Readonly<Record<string, string>> = { da: "Dansk", en: "English", ar: "العربية" };

/** The header's language switch as base.html writes it: a list and "Change". */
function languageSwitch(words: Words): string {
  const options = Object.entries(NAMES)
    .map(
      ([code, name]) =>
        `<option value="${code}" lang="${code}"${code === words.lang ? " selected" : ""}>${name}</option>`,
    )
    .join("");
  return `
      <form method="post" action="/account/language" class="language-form">
        <input type="hidden" name="csrf_token" value="token-1">
        <input type="hidden" name="next" value="/meetings/1/room">
        <label for="language-choice">Language</label>
        <select id="language-choice" name="language">${options}</select>
        <button type="submit">Change</button>
      </form>`;
}

/** The body of a page as base.html writes it, around the room. */
function body(words: Words, room = "<p>the room</p>"): string {
  return `
  <a class="quick-exit" id="quick-exit" href="https://neutral.example/">${words.leave}</a>
  <a class="skip-link" href="#main">${words.skip}</a>
  <header class="site-header">
    <a class="brand" href="/">Kreds</a>
    <nav aria-label="${words.main}"><ul><li><a href="/">${words.meetings}</a></li></ul></nav>
    <div class="header-tools">${languageSwitch(words)}</div>
  </header>
  <main id="main" tabindex="-1"><div id="room">${room}</div></main>
  <footer class="site-footer"><a href="/safety">${words.safety}</a></footer>`;
}

function page(words: Words): Document {
  return new DOMParser().parseFromString(
    `<!doctype html><html lang="${words.lang}" dir="${words.dir}"><head><title>${words.title}</title></head>` +
      `<body data-language="${words.lang}">${body(words)}</body></html>`,
    "text/html",
  );
}

describe("adoptChrome", () => {
  it("takes the header, the footer, the title and the language from the new page", () => {
    const doc = page(EN);
    const fresh = page(DA);
    const oldHeader = doc.querySelector(".site-header");

    adoptChrome(doc, fresh);

    expect(doc.title).toBe("Tirsdagsgruppen · Kreds");
    expect(doc.documentElement.lang).toBe("da");
    expect(doc.body.dataset.language).toBe("da");
    const header = doc.querySelector(".site-header")!;
    expect(header).not.toBe(oldHeader);
    expect(header.ownerDocument).toBe(doc);
    expect(header.querySelector("nav")?.getAttribute("aria-label")).toBe("Hovedmenu");
    expect(header.textContent).toContain("Mine møder");
    expect(header.querySelector<HTMLSelectElement>("form.language-form select")?.value).toBe("da");
    expect(doc.querySelector(".site-footer")?.textContent).toBe("Tryghed og hjælp");
    expect(doc.querySelectorAll(".site-header")).toHaveLength(1);
    expect(doc.querySelectorAll(".site-footer")).toHaveLength(1);
    // Copied, not moved: the parsed page keeps its own.
    expect(fresh.querySelector(".site-header")).not.toBeNull();
  });

  it("takes the direction too: Arabic turns the page right to left, and back", () => {
    const doc = page(EN);
    expect(doc.documentElement.dir).toBe("ltr");

    adoptChrome(doc, page(AR));
    expect(doc.documentElement.lang).toBe("ar");
    expect(doc.documentElement.dir).toBe("rtl");
    expect(doc.getElementById("quick-exit")?.textContent).toBe("خروج سريع");

    adoptChrome(doc, page(DA));
    expect(doc.documentElement.dir).toBe("ltr");
  });

  it("keeps the quick exit's element and its listeners, changing only its words", () => {
    const doc = page(EN);
    const quickExit = doc.getElementById("quick-exit")!;
    const skip = doc.querySelector(".skip-link");
    const pressed = vi.fn();
    quickExit.addEventListener("click", (event) => {
      event.preventDefault();
      pressed();
    });

    adoptChrome(doc, page(DA));

    expect(doc.getElementById("quick-exit")).toBe(quickExit);
    expect(quickExit.textContent).toBe("Gå lige fra");
    expect(quickExit.getAttribute("href")).toBe("https://neutral.example/");
    expect(doc.body.firstElementChild).toBe(quickExit); // still first in keyboard order
    quickExit.click();
    expect(pressed).toHaveBeenCalledTimes(1);
    expect(doc.querySelector(".skip-link")).toBe(skip);
    expect(skip?.textContent).toBe("Gå til indholdet");
  });

  it("leaves the room itself alone", () => {
    const doc = page(EN);
    const room = doc.getElementById("room")!;
    room.innerHTML = "<p>Birch: something said in the chat</p>";

    adoptChrome(doc, page(DA));

    expect(doc.getElementById("room")).toBe(room);
    expect(room.textContent).toBe("Birch: something said in the chat");
  });

  it("keeps the header, footer and quick exit when the new page has none", () => {
    const doc = page(EN);
    const fresh = new DOMParser().parseFromString(
      '<!doctype html><html lang="da"><head><title>Fejl</title></head><body><p>Noget gik galt</p></body></html>',
      "text/html",
    );

    adoptChrome(doc, fresh);

    expect(doc.querySelector(".site-header nav")?.getAttribute("aria-label")).toBe("Main");
    expect(doc.querySelector(".site-footer")?.textContent).toBe("Safety and help");
    expect(doc.getElementById("quick-exit")?.textContent).toBe("Leave quickly");
  });
});

describe("the header's language switch in the room", () => {
  const lang = document.documentElement.lang;

  afterEach(() => {
    document.body.replaceChildren();
    document.documentElement.lang = lang;
  });

  it("changes the language in place instead of sending the form", () => {
    document.body.innerHTML = body(EN);
    document.documentElement.lang = "en";
    const change = vi.fn(async () => undefined);
    const stop = keepRoomOnLanguageChange(document, change);
    const form = document.querySelector<HTMLFormElement>("form.language-form")!;
    const submitter = form.querySelector("button")!;
    form.querySelector("select")!.value = "da";

    const event = new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter });
    form.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(change).toHaveBeenCalledWith("da");

    // Other forms go on as usual.
    const other = document.createElement("form");
    document.body.append(other);
    const logout = new SubmitEvent("submit", { bubbles: true, cancelable: true });
    other.dispatchEvent(logout);
    expect(logout.defaultPrevented).toBe(false);

    stop();
    const after = new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter });
    form.dispatchEvent(after);
    expect(after.defaultPrevented).toBe(false);
    expect(change).toHaveBeenCalledTimes(1);
  });

  it("reads the language chosen in the list, Arabic included", () => {
    document.body.innerHTML = body(DA);
    document.documentElement.lang = "da";
    const change = vi.fn(async () => undefined);
    const stop = keepRoomOnLanguageChange(document, change);
    const form = document.querySelector<HTMLFormElement>("form.language-form")!;
    form.querySelector("select")!.value = "ar";

    form.requestSubmit(form.querySelector("button"));
    expect(change).toHaveBeenCalledWith("ar");
    stop();
  });

  it("does nothing, and does not reload, when the chosen language is the page's own", () => {
    document.body.innerHTML = body(EN);
    document.documentElement.lang = "en";
    const change = vi.fn(async () => undefined);
    const stop = keepRoomOnLanguageChange(document, change);
    const form = document.querySelector<HTMLFormElement>("form.language-form")!;
    const submitter = form.querySelector("button")!;

    const event = new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter });
    form.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(change).not.toHaveBeenCalled();
    stop();
  });

  it("also works with a button per language: the pressed button's value is the choice", () => {
    document.body.innerHTML = `
      <form method="post" action="/account/language" class="language-form">
        <input type="hidden" name="csrf_token" value="token-1">
        <button type="submit" name="language" value="da" lang="da">Dansk</button>
        <button type="submit" name="language" value="ar" lang="ar">العربية</button>
      </form>`;
    document.documentElement.lang = "en";
    const change = vi.fn(async () => undefined);
    const stop = keepRoomOnLanguageChange(document, change);
    const form = document.querySelector<HTMLFormElement>("form.language-form")!;
    const arabic = form.querySelector<HTMLButtonElement>('button[value="ar"]')!;

    const event = new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter: arabic });
    form.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(change).toHaveBeenCalledWith("ar");
    stop();
  });
});

describe("switchLanguage", () => {
  const title = document.title;
  const lang = document.documentElement.lang;

  afterEach(() => {
    document.body.replaceChildren();
    document.title = title;
    document.documentElement.lang = lang;
    document.documentElement.removeAttribute("dir");
    delete document.body.dataset.language;
  });

  it("tells the server, renders the room again, then takes the server's words", async () => {
    document.body.innerHTML = body(EN);
    const quickExit = document.getElementById("quick-exit");
    const fetched: Array<[string, RequestInit | undefined]> = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      fetched.push([url, init]);
      if (init?.method === "POST") {
        return new Response(null, { status: 200 });
      }
      const html = `<!doctype html><html lang="da"><head><title>${DA.title}</title></head><body data-language="da">${body(DA)}</body></html>`;
      return new Response(html, { status: 200 });
    });
    vi.stubGlobal("fetch", fetchMock);
    const rerender = vi.fn();

    expect(await switchLanguage(document, "da", rerender)).toBe(true);

    expect(rerender).toHaveBeenCalledWith("da");
    const [post] = fetched;
    expect(post?.[0]).toContain("/account/language");
    const sent = post?.[1]?.body as FormData;
    expect(sent.get("language")).toBe("da");
    expect(sent.get("csrf_token")).toBe("token-1");
    expect(document.title).toBe(DA.title);
    expect(document.documentElement.lang).toBe("da");
    expect(document.getElementById("quick-exit")).toBe(quickExit);
    expect(quickExit?.textContent).toBe("Gå lige fra");
  });

  it("changes nothing when the server cannot be reached", async () => {
    document.body.innerHTML = body(EN);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("offline");
      }),
    );
    const rerender = vi.fn();

    expect(await switchLanguage(document, "da", rerender)).toBe(false);
    expect(rerender).not.toHaveBeenCalled();
    expect(document.getElementById("quick-exit")?.textContent).toBe("Leave quickly");
  });
});
