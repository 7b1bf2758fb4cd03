/**
 * Quick exit: leave the page at once, by the "Leave quickly" link or by pressing Shift
 * three times (at most 5 seconds between one press and the next).
 *
 * On exit the page is blanked first, then the cleanup hooks run (the room leaves the meeting
 * and closes its socket, stops camera and microphone, closes peer connections), the server is
 * told to end this log-in (a beacon, which is delivered although the page is being left),
 * registered stores are cleared, the DOM is emptied, and the browser goes to a neutral site
 * with `location.replace`. Back, or opening the site again, then finds the log-in page: the
 * pages are never cached and the session they belonged to is over. It does not erase history,
 * and nothing here claims so.
 *
 * Without script the link still works as a plain link to the neutral site.
 */

/** Something that holds page state and can forget it (a Map and a Set qualify). */
export interface Clearable {
  clear(): void;
}

export interface QuickExitOptions {
  /** The document to watch and blank (tests pass their own). */
  document?: Document;
  /** Called with the neutral URL; `window.location.replace` by default. */
  navigate?: (url: string) => void;
  /** Sends the end of the session; `navigator.sendBeacon` by default. */
  beacon?: (url: string, body: URLSearchParams) => boolean;
  /** Shift presses needed. */
  presses?: number;
  /** Longest gap between two consecutive presses, in milliseconds. */
  gapMs?: number;
}

export const LINK_ID = "quick-exit";
export const EXITING_CLASS = "exiting";
export const SHIFT_PRESSES = 3;
export const SHIFT_GAP_MS = 5000;
/** Used when the page names no neutral site (never a page of ours). */
export const FALLBACK_URL = "about:blank";

/**
 * Where and with what to end this log-in on the server: `<body data-quick-exit-end
 * data-quick-exit-token>`, present on pages of a logged-in person. The token does one thing.
 */
export function sessionEnd(doc: Document): { url: string; token: string } | null {
  const url = doc.body?.dataset.quickExitEnd;
  const token = doc.body?.dataset.quickExitToken;
  if (!url || !token || !url.startsWith("/") || url.startsWith("//")) {
    return null;
  }
  return { url, token };
}

function sendBeacon(url: string, body: URLSearchParams): boolean {
  try {
    if (navigator.sendBeacon(url, body)) {
      return true;
    }
  } catch {
    // Fall through to fetch.
  }
  try {
    void fetch(url, { method: "POST", body, keepalive: true, credentials: "same-origin" }).catch(
      () => undefined,
    );
    return true;
  } catch {
    return false;
  }
}

/** The neutral site named by the page: `<body data-quick-exit-url>`, else the link's target. */
export function neutralUrl(doc: Document): string {
  const candidates = [
    doc.body?.dataset.quickExitUrl,
    doc.getElementById(LINK_ID)?.getAttribute("href"),
  ];
  for (const candidate of candidates) {
    if (candidate && isSafeUrl(candidate, doc.baseURI)) {
      return candidate;
    }
  }
  return FALLBACK_URL;
}

function isSafeUrl(candidate: string, base: string): boolean {
  // A javascript: or data: URL would run instead of leaving.
  try {
    const url = new URL(candidate, base);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

export class QuickExit {
  private readonly doc: Document;
  private readonly navigate: (url: string) => void;
  private readonly beacon: (url: string, body: URLSearchParams) => boolean;
  private readonly presses: number;
  private readonly gapMs: number;
  private readonly hooks = new Set<() => void>();
  private readonly stores = new Set<Clearable>();
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private exited = false;

  constructor(options: QuickExitOptions = {}) {
    this.doc = options.document ?? document;
    const view = this.doc.defaultView;
    this.navigate =
      options.navigate ??
      ((url: string) => {
        (view ?? window).location.replace(url);
      });
    this.beacon = options.beacon ?? sendBeacon;
    this.presses = options.presses ?? SHIFT_PRESSES;
    this.gapMs = options.gapMs ?? SHIFT_GAP_MS;
  }

  /** Listen for the link and the keys. Capture phase, so no other handler can swallow them. */
  start(): this {
    if (!this.started) {
      this.doc.addEventListener("click", this.handleClick, true);
      this.doc.addEventListener("keydown", this.handleKeydown, true);
      this.started = true;
    }
    return this;
  }

  stop(): void {
    this.doc.removeEventListener("click", this.handleClick, true);
    this.doc.removeEventListener("keydown", this.handleKeydown, true);
    this.resetCount();
    this.started = false;
  }

  /** Run `hook` on exit (synchronously; a hook that throws does not stop the others). */
  onExit(hook: () => void): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Clear `store` on exit, after the hooks. */
  forgetOnExit(store: Clearable): () => void {
    this.stores.add(store);
    return () => this.stores.delete(store);
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** Leave now. Safe to call more than once; only the first call does anything. */
  exit(): void {
    if (this.exited) {
      return;
    }
    this.exited = true;
    this.resetCount();
    const url = neutralUrl(this.doc);
    const end = sessionEnd(this.doc);
    try {
      this.blank();
      runEach(this.hooks, (hook) => hook());
      this.hooks.clear();
      // After the hooks: the room's "left quickly" goes out on its open socket before the
      // session that socket belongs to ends.
      if (end) {
        runEach([end], ({ url: endUrl, token }) =>
          this.beacon(endUrl, new URLSearchParams({ token })),
        );
      }
      runEach(this.stores, (store) => store.clear());
      this.stores.clear();
      this.emptyDocument();
    } finally {
      this.navigate(url);
    }
  }

  private readonly handleClick = (event: MouseEvent): void => {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest(`#${LINK_ID}`)) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    this.exit();
  };

  private readonly handleKeydown = (event: KeyboardEvent): void => {
    if (event.repeat) {
      // Holding Shift down is one press, not many.
      return;
    }
    if (event.key !== "Shift") {
      this.resetCount();
      return;
    }
    this.count += 1;
    clearTimeout(this.timer);
    if (this.count >= this.presses) {
      this.exit();
      return;
    }
    this.timer = setTimeout(() => this.resetCount(), this.gapMs);
  };

  private resetCount(): void {
    this.count = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Hide everything at once: the stylesheet hides all but a blank page for `.exiting`. */
  private blank(): void {
    this.doc.documentElement.classList.add(EXITING_CLASS);
    this.doc.title = "";
    const body = this.doc.body;
    if (body) {
      body.className = EXITING_CLASS;
      body.replaceChildren(this.doc.createElement("div"));
    }
  }

  /** Drop what is left of the page: attributes that name the meeting, and every node. */
  private emptyDocument(): void {
    const body = this.doc.body;
    if (body) {
      for (const name of body.getAttributeNames()) {
        if (name !== "class") {
          body.removeAttribute(name);
        }
      }
      body.replaceChildren();
    }
    this.doc.head?.replaceChildren();
  }
}

function runEach<T>(items: Iterable<T>, run: (item: T) => void): void {
  for (const item of [...items]) {
    try {
      run(item);
    } catch {
      // Leaving must not wait for, or fail because of, one broken cleanup.
    }
  }
}

let pageQuickExit: QuickExit | undefined;

/**
 * The page's one quick exit, started on first use. pages.js and room.js share this module
 * (a common chunk), so the room registers its hooks on the same instance.
 */
export function startQuickExit(): QuickExit {
  pageQuickExit ??= new QuickExit().start();
  return pageQuickExit;
}
