/**
 * Calls for a facilitator's attention, shown (../attention.ts holds them in the model):
 *
 * - `<AttentionMark userId>` beside a person's name and on their tile: "Needs you: I'm not OK",
 *   with Reply (the private line, addressed to them, the focus in its message box) and Seen;
 * - `<AttentionList />`, every call not yet seen, the newest first, at the top of the
 *   facilitator's screen;
 * - `<AttentionSoundToggle />`, an optional soft tone (off by default, kept in memory);
 * - `useAttentionAlerts()`: while calls wait, the tab's title starts with their number —
 *   "(2) Meeting · Kreds", never a name or what anyone wrote: others in the room where the
 *   facilitator sits can see a tab — and a new call plays the tone when it is on.
 *
 * Screen readers hear each new call from the room's announcements (../changes.ts).
 * Participants see none of this.
 */

import { useEffect, useId, useRef } from "preact/hooks";
import type { MessageKey } from "../../i18n";
import {
  type Attention,
  type AttentionKind,
  attentionList,
  attentionOf,
  canReply,
} from "../attention";
import { facilitates } from "../derive";
import type { RoomModel, RoomStore } from "../model";
import { useModel, useRoom } from "./context";
import { clockTime } from "./time";
import { tr } from "./text";

const KIND_KEYS: Record<AttentionKind, MessageKey> = {
  left_quickly: "signalLeftQuickly",
  not_ok: "signalNotOk",
  need_break: "signalNeedBreak",
  message: "attentionMessage",
  lobby: "attentionLobby",
};

/** "I'm not OK, Wrote privately": what the person's calls were, most pressing first. */
export function attentionText(entry: Attention): string {
  return entry.kinds.map((kind) => tr(KIND_KEYS[kind])).join(", ");
}

function AttentionBody(props: { entry: Attention; withName: boolean; onSeen?: () => void }) {
  const model = useModel();
  const { store } = useRoom();
  const textId = useId();
  const root = useRef<HTMLDivElement>(null);
  const { entry } = props;
  const name = entry.name;
  const reachable = canReply(model, entry.userId);
  const urgent = entry.kinds.includes("not_ok") || entry.kinds.includes("left_quickly");
  return (
    <div
      ref={root}
      class={urgent ? "attention-mark is-urgent" : "attention-mark"}
      role="group"
      aria-labelledby={textId}
      data-testid="attention-mark"
      data-user-id={entry.userId}
    >
      <p id={textId} class="attention-text">
        <span class="attention-icon" aria-hidden="true">
          !
        </span>
        <span>
          {props.withName && (
            <strong class="attention-name">
              <bdi>{name}</bdi>{" "}
            </strong>
          )}
          <strong>{tr("attentionNeedsYou")}</strong> {attentionText(entry)}{" "}
          <span class="attention-when">{tr("attentionAt", { time: clockTime(entry.at) })}</span>
          {props.withName && !reachable && (
            <span class="attention-gone"> · {tr("attentionGone")}</span>
          )}
        </span>
      </p>
      <span class="attention-actions">
        {reachable && (
          <button
            type="button"
            class="button primary small"
            aria-label={tr("attentionReplyTo", { name })}
            onClick={() => store.dispatch({ type: "replyTo", userId: entry.userId })}
          >
            {tr("attentionReply")}
          </button>
        )}
        <button
          type="button"
          class="button secondary small"
          aria-label={tr("attentionSeenName", { name })}
          onClick={() => {
            // The mark goes with its buttons: focus stays in the person's row or tile.
            const host = root.current?.parentElement ?? null;
            store.dispatch({ type: "acknowledge", userId: entry.userId });
            if (props.onSeen) {
              props.onSeen();
            } else {
              setTimeout(() => {
                if (host?.isConnected) {
                  host.querySelector<HTMLElement>("button, a[href], [tabindex='-1']")?.focus();
                }
              }, 0);
            }
          }}
        >
          {tr("attentionSeen")}
        </button>
      </span>
    </div>
  );
}

/**
 * The mark for one person (by their name, on their tile): nothing when they have no call, or
 * on a participant's page.
 */
export function AttentionMark({ userId }: { userId: number }) {
  const model = useModel();
  if (!facilitates(model.me.role)) {
    return null;
  }
  const entry = attentionOf(model, userId);
  return entry ? <AttentionBody entry={entry} withName={false} /> : null;
}

/** Whether this person has a call waiting (for a class on their row or tile). */
export function useAttention(userId: number): Attention | null {
  const model = useModel();
  return facilitates(model.me.role) ? attentionOf(model, userId) : null;
}

/**
 * Every call not yet seen, the newest first, for the top of the facilitator's screen (nothing
 * when there is none). Also keeps the tab's title and the sound (`useAttentionAlerts`).
 */
export function AttentionList() {
  const model = useModel();
  const list = useRef<HTMLElement>(null);
  useAttentionAlerts();
  if (!facilitates(model.me.role)) {
    return null;
  }
  const entries = attentionList(model);
  if (entries.length === 0) {
    return null;
  }
  // After Seen, the focus goes to the next call's first button, else the room's heading.
  const afterSeen = (index: number) => () => {
    setTimeout(() => {
      const rows = list.current?.querySelectorAll<HTMLElement>(".attention-item");
      const next = rows?.[Math.min(index, (rows?.length ?? 1) - 1)]?.querySelector("button");
      const doc = list.current?.ownerDocument ?? document;
      (next ?? doc.getElementById("room-heading"))?.focus();
    }, 0);
  };
  return (
    <section
      ref={list}
      class="attention-list"
      aria-labelledby="attention-heading"
      data-testid="attention-list"
    >
      <h2 id="attention-heading" class="attention-list-heading" tabIndex={-1}>
        {tr("attentionHeading", { count: entries.length })}
      </h2>
      <ul>
        {entries.map((entry, index) => (
          <li key={entry.userId} class="attention-item">
            <AttentionBody entry={entry} withName onSeen={afterSeen(index)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The facilitator's choice of a soft tone for new calls (off until they turn it on). */
export function AttentionSoundToggle() {
  const model = useModel();
  const { store } = useRoom();
  const hintId = useId();
  if (!facilitates(model.me.role)) {
    return null;
  }
  return (
    <div class="attention-sound">
      <label class="checkbox">
        <input
          type="checkbox"
          checked={model.attentionSound}
          aria-describedby={hintId}
          onChange={(event) => {
            const on = event.currentTarget.checked;
            store.dispatch({ type: "attentionSound", on });
            if (on) {
              // Started by the person's own click, as browsers require; they hear what it is.
              chime();
            } else {
              closeAudio();
            }
          }}
        />
        {tr("attentionSoundLabel")}
      </label>
      <p id={hintId} class="hint">
        {tr("attentionSoundHint")}
      </p>
    </div>
  );
}

// --- the tone ------------------------------------------------------------------------------

let audio: AudioContext | null = null;

function openAudio(): void {
  const Context =
    globalThis.AudioContext ??
    (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) {
    return;
  }
  try {
    audio ??= new Context();
    if (audio.state === "suspended") {
      void audio.resume().catch(() => undefined);
    }
  } catch {
    audio = null;
  }
}

function closeAudio(): void {
  const context = audio;
  audio = null;
  void context?.close().catch(() => undefined);
}

/**
 * Two soft, short notes (a rising fourth), made on the spot: no sound file. Only ever called
 * when the facilitator chose the tone (their click on the choice lets the page play sound).
 */
export function chime(): void {
  openAudio();
  const context = audio;
  if (!context) {
    return;
  }
  try {
    const start = context.currentTime + 0.01;
    const notes: Array<[number, number]> = [
      [587.33, 0],
      [783.99, 0.16],
    ];
    for (const [frequency, offset] of notes) {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      const at = start + offset;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.05, at + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.45);
      tone.connect(volume).connect(context.destination);
      tone.start(at);
      tone.stop(at + 0.5);
    }
  } catch {
    // A tone that cannot play is no reason to disturb the room.
  }
}

// --- the tab's title and the tone, once per page ---------------------------------------------

/** The tab's title with the number of calls waiting: never a name, never what was written. */
export function titleWith(count: number, title: string): string {
  return count > 0 ? `(${count}) ${title}` : title;
}

function startAlerts(store: RoomStore, doc: Document): () => void {
  let original = doc.title;
  let shown: string | null = null;
  let heard = store.get().attentionTick;
  const update = (model: RoomModel): void => {
    if (shown !== null && doc.title !== shown) {
      // Someone else changed the title meanwhile: theirs is the one to come back to.
      original = doc.title;
      shown = null;
    }
    const count = model.attention.length;
    if (count > 0) {
      shown = titleWith(count, original);
      if (doc.title !== shown) {
        doc.title = shown;
      }
    } else if (shown !== null) {
      doc.title = original;
      shown = null;
    }
    if (model.attentionTick > heard && model.attentionSound) {
      chime();
    }
    heard = model.attentionTick;
  };
  update(store.get());
  const unsubscribe = store.subscribe(update);
  return () => {
    unsubscribe();
    // Only our own change is undone: the quick exit blanks the title, and it stays blank.
    if (shown !== null && doc.title === shown) {
      doc.title = original;
    }
    shown = null;
    closeAudio();
  };
}

const running = new WeakMap<RoomStore, { users: number; stop: () => void }>();

/**
 * Keeps the tab's title and the tone while any part of the facilitator's room that uses it is
 * shown (the list at the top, the people, the private line, the tools): started by the first,
 * stopped — the title put back — with the last, and so on leaving or on quick exit.
 */
export function useAttentionAlerts(): void {
  const { store } = useRoom();
  useEffect(() => {
    const doc = typeof document === "undefined" ? null : document;
    if (!doc || !facilitates(store.get().me.role)) {
      return undefined;
    }
    let entry = running.get(store);
    if (!entry) {
      entry = { users: 0, stop: startAlerts(store, doc) };
      running.set(store, entry);
    }
    entry.users += 1;
    const mine = entry;
    return () => {
      mine.users -= 1;
      if (mine.users === 0) {
        mine.stop();
        running.delete(store);
      }
    };
  }, [store]);
}
