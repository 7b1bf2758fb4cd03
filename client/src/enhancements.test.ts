import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { announce, copyableText, enhance, fillTimezoneFields, focusErrorSummary } from "./enhancements";

async function settle(): Promise<void> {
  await vi.runAllTimersAsync();
}

describe("enhancements", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    document.documentElement.lang = "en";
    document.body.innerHTML = "";
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe("copy buttons", () => {
    function renderCopy(): HTMLButtonElement {
      document.body.innerHTML = `
        <input id="link" value="https://kreds.example/invite/abc">
        <p id="code"> 123 456 </p>
        <button type="button" id="copy-link" data-copy-target="#link">Copy link</button>
        <button type="button" id="copy-code" data-copy-target="#code">Copy code</button>`;
      enhance(document);
      return document.getElementById("copy-link") as HTMLButtonElement;
    }

    it("copies a field's value and announces it politely", async () => {
      const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
      vi.stubGlobal("navigator", { clipboard: { writeText } });
      const button = renderCopy();

      button.click();
      await vi.advanceTimersByTimeAsync(100);

      expect(writeText).toHaveBeenCalledExactlyOnceWith("https://kreds.example/invite/abc");
      const region = document.getElementById("kreds-announcer");
      expect(region?.getAttribute("aria-live")).toBe("polite");
      expect(region?.textContent).toBe("Copied");
      expect(button.textContent).toBe("Copied");

      await settle();
      expect(button.textContent).toBe("Copy link");
    });

    it("copies an element's text, trimmed, in Danish on a Danish page", async () => {
      document.documentElement.lang = "da";
      const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
      vi.stubGlobal("navigator", { clipboard: { writeText } });
      renderCopy();

      document.getElementById("copy-code")!.click();
      await vi.advanceTimersByTimeAsync(100);

      expect(writeText).toHaveBeenCalledExactlyOnceWith("123 456");
      expect(document.getElementById("kreds-announcer")?.textContent).toBe("Kopieret");
    });

    it("selects the text and says so when the clipboard refuses", async () => {
      const writeText = vi.fn<(text: string) => Promise<void>>().mockRejectedValue(new Error("denied"));
      vi.stubGlobal("navigator", { clipboard: { writeText } });
      const button = renderCopy();

      button.click();
      await vi.advanceTimersByTimeAsync(100);

      const input = document.getElementById("link") as HTMLInputElement;
      expect(document.activeElement).toBe(input);
      expect(input.selectionEnd! - input.selectionStart!).toBe(input.value.length);
      expect(document.getElementById("kreds-announcer")?.textContent).toContain("Could not copy");
      expect(button.textContent).toBe("Copy link");
    });

    it("copies a message from a textarea as the person edited it, line breaks and all", async () => {
      // The invitations' result page: several messages, each with its own button.
      const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
      vi.stubGlobal("navigator", { clipboard: { writeText } });
      document.body.innerHTML = `
        <textarea id="invitation-message-1">You are invited.\n\nhttps://kreds.example/invite/one</textarea>
        <button type="button" id="copy-1" data-copy-target="#invitation-message-1">Copy the message</button>
        <textarea id="invitation-message-2">You are invited.\n\nhttps://kreds.example/invite/two</textarea>
        <button type="button" id="copy-2" data-copy-target="#invitation-message-2">Copy the message</button>`;
      enhance(document);
      const second = document.getElementById("invitation-message-2") as HTMLTextAreaElement;
      second.value = "Hi Dina,\n\nhttps://kreds.example/invite/two";

      document.getElementById("copy-2")!.click();
      await vi.advanceTimersByTimeAsync(100);

      expect(writeText).toHaveBeenCalledExactlyOnceWith("Hi Dina,\n\nhttps://kreds.example/invite/two");
      expect(document.getElementById("kreds-announcer")?.textContent).toBe("Copied");
      expect(document.getElementById("copy-2")!.textContent).toBe("Copied");
      expect(document.getElementById("copy-1")!.textContent).toBe("Copy the message");
    });
  });

  it("reads values from fields and text from other elements", () => {
    document.body.innerHTML = `<textarea id="t">a b</textarea><span id="s"> x </span>`;
    expect(copyableText(document.getElementById("t")!)).toBe("a b");
    expect(copyableText(document.getElementById("s")!)).toBe("x");
  });

  describe("confirm forms", () => {
    function renderForm(): { form: HTMLFormElement; submitted: () => boolean } {
      document.body.innerHTML = `
        <form data-confirm="Remove this person from the group?" action="/x" method="post">
          <button type="submit">Remove</button>
        </form>`;
      enhance(document);
      const form = document.querySelector("form")!;
      let submitted = false;
      // Stands in for the browser's navigation; runs after the enhancement (bubble phase).
      form.addEventListener("submit", (event) => {
        submitted = !event.defaultPrevented;
        event.preventDefault();
      });
      return { form, submitted: () => submitted };
    }

    it("asks before submitting and stops when the answer is no", () => {
      const confirm = vi.fn().mockReturnValue(false);
      vi.stubGlobal("confirm", confirm);
      const { form, submitted } = renderForm();

      form.requestSubmit();

      expect(confirm).toHaveBeenCalledExactlyOnceWith("Remove this person from the group?");
      expect(submitted()).toBe(false);
    });

    it("submits when the answer is yes", () => {
      vi.stubGlobal("confirm", vi.fn().mockReturnValue(true));
      const { form, submitted } = renderForm();

      form.requestSubmit();

      expect(submitted()).toBe(true);
    });
  });

  it("fills time-zone fields with the browser's IANA zone", () => {
    document.body.innerHTML = `<input type="hidden" name="timezone" data-timezone-field>`;
    const resolvedOptions = () => ({ timeZone: "Europe/Copenhagen" });
    vi.stubGlobal("Intl", { ...Intl, DateTimeFormat: () => ({ resolvedOptions }) });

    fillTimezoneFields(document);

    expect(document.querySelector("input")?.value).toBe("Europe/Copenhagen");
  });

  describe("error summary", () => {
    // As server/templates/macros/forms.html draws a sign-up that went wrong.
    const PAGE = `
      <a id="quick-exit" href="https://weather.example/">Leave quickly</a>
      <main id="main" tabindex="-1">
        <div class="form-errors" data-error-summary tabindex="-1">
          <div role="alert">
            <h2>There is a problem</h2>
            <ul>
              <li><a href="#login">Use letters, digits, dots, dashes or underscores, without spaces.</a></li>
              <li><a href="#accept">Tick the box to accept the agreement.</a></li>
              <li><a href="#gone">A field that is not on the page.</a></li>
            </ul>
          </div>
        </div>
        <form>
          <div class="field has-error" id="login-field">
            <label for="login">Login name</label>
            <p class="error" id="login-error">Use letters…</p>
            <input id="login" aria-describedby="login-error" aria-invalid="true" value="a b">
          </div>
          <div class="field field-checkbox has-error" id="accept-field">
            <p class="error" id="accept-error">Tick the box…</p>
            <label class="checkbox"><input type="checkbox" id="accept"> I accept</label>
          </div>
        </form>
      </main>`;
    let scrolled: Element[] = [];

    beforeEach(() => {
      scrolled = [];
      // jsdom has no layout, and no scrollIntoView.
      Element.prototype.scrollIntoView = function (this: Element) {
        scrolled.push(this);
      };
    });

    afterEach(() => {
      delete (Element.prototype as Partial<Element>).scrollIntoView;
    });

    function link(target: string): HTMLAnchorElement {
      return document.querySelector<HTMLAnchorElement>(`[data-error-summary] a[href="#${target}"]`)!;
    }

    it("takes the focus as the page loads", () => {
      document.body.innerHTML = PAGE;
      enhance(document);
      expect(document.activeElement).toBe(document.querySelector("[data-error-summary]"));
    });

    it("leaves the focus where the person already put it", () => {
      document.body.innerHTML = PAGE;
      document.getElementById("quick-exit")!.focus();
      focusErrorSummary(document);
      expect(document.activeElement?.id).toBe("quick-exit");
    });

    it("does nothing on a page without one", () => {
      document.body.innerHTML = `<main id="main" tabindex="-1"><p>Fine</p></main>`;
      enhance(document);
      expect(document.activeElement).toBe(document.body);
    });

    it("moves the focus to the field with its label and error in view, without a jump", () => {
      document.body.innerHTML = PAGE;
      enhance(document);
      const click = new MouseEvent("click", { bubbles: true, cancelable: true });

      link("login").dispatchEvent(click);

      expect(click.defaultPrevented).toBe(true);
      expect(document.activeElement?.id).toBe("login");
      expect(scrolled).toEqual([document.getElementById("login-field")]);
      expect(window.location.hash).toBe("");
    });

    it("brings a checkbox's error into view with the box", () => {
      document.body.innerHTML = PAGE;
      enhance(document);

      link("accept").click();

      expect(document.activeElement?.id).toBe("accept");
      expect(scrolled).toEqual([document.getElementById("accept-field")]);
    });

    it("leaves a link to nothing on the page to the browser", () => {
      document.body.innerHTML = PAGE;
      enhance(document);
      let leftToTheBrowser = false;
      // Runs after the enhancement's listener; then stops jsdom's own jump.
      const after = (event: Event): void => {
        leftToTheBrowser = !event.defaultPrevented;
        event.preventDefault();
      };
      window.addEventListener("click", after);

      link("gone").click();
      window.removeEventListener("click", after);

      expect(leftToTheBrowser).toBe(true);
      expect(scrolled).toEqual([]);
      expect(document.activeElement).toBe(document.querySelector("[data-error-summary]"));
    });
  });

  describe("a new group's agreement", () => {
    const defaults = {
      da: { text: "Det, der bliver sagt her, bliver her.\nÉn taler ad gangen.", dir: "ltr" },
      cs: { text: "Co se tady řekne, zůstane tady.\nMluví vždy jen jeden člověk.", dir: "ltr" },
      ar: { text: "ما يقال هنا يبقى هنا.", dir: "rtl" },
    };

    function renderGroupForm(text: string): { select: HTMLSelectElement; field: HTMLTextAreaElement } {
      document.body.innerHTML = `
        <select id="language"><option value="da" selected>Dansk</option><option value="cs">Čeština</option>
          <option value="ar">العربية</option><option value="xx">Other</option></select>
        <textarea id="agreement_text" lang="da" dir="ltr" data-agreement-defaults="agreement-defaults"
          data-language-field="language"></textarea>
        <script type="application/json" id="agreement-defaults">${JSON.stringify(defaults)}</script>`;
      enhance(document);
      const field = document.getElementById("agreement_text") as HTMLTextAreaElement;
      field.value = text;
      return { select: document.getElementById("language") as HTMLSelectElement, field };
    }

    function choose(select: HTMLSelectElement, language: string): void {
      select.value = language;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    it("follows the language while it is an untouched default", () => {
      const { select, field } = renderGroupForm(defaults.da.text);
      choose(select, "cs");
      expect(field.value).toBe(defaults.cs.text);
      expect(field.lang).toBe("cs");
      choose(select, "ar");
      expect(field.value).toBe(defaults.ar.text);
      expect([field.lang, field.dir]).toEqual(["ar", "rtl"]);
    });

    it("keeps a text the admin edited, and says which language it is for", () => {
      const edited = `${defaults.da.text}\nVi holder pauser.`;
      const { select, field } = renderGroupForm(edited);
      choose(select, "ar");
      expect(field.value).toBe(edited);
      expect([field.lang, field.dir]).toEqual(["ar", "rtl"]);
    });

    it("leaves the field alone for a language it has no default for", () => {
      const { select, field } = renderGroupForm(defaults.da.text);
      choose(select, "xx");
      expect([field.value, field.lang]).toEqual([defaults.da.text, "da"]);
    });
  });

  it("announces the same message twice in a row", async () => {
    announce("Copied", document);
    await settle();
    const region = document.getElementById("kreds-announcer")!;
    announce("Copied", document);
    expect(region.textContent).toBe("");
    await settle();
    expect(region.textContent).toBe("Copied");
  });
});
