/**
 * The room's two live regions: a polite one for what happens (floor, turns, chat, admission,
 * time up) and an assertive one only for "you were removed" and "the meeting ended".
 *
 * Each message is added as its own line (so quick successive messages are all read) and taken
 * away after a while. Chat messages are spoken at most once per `chatGapMs`: what arrives
 * meanwhile is summed up ("3 new messages in the chat").
 */

import { tr } from "./text";

const KEEP_LINES = 4;
const LINE_LIFETIME_MS = 15_000;

export class Announcer {
  private chatTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingChat: string[] = [];
  private stopped = false;

  constructor(
    private readonly polite: HTMLElement,
    private readonly assertive: HTMLElement,
    private readonly chatGapMs = 5000,
  ) {}

  say(text: string, options: { assertive?: boolean; chat?: boolean } = {}): void {
    if (this.stopped || !text) {
      return;
    }
    if (options.chat) {
      this.sayChat(text);
      return;
    }
    this.add(options.assertive ? this.assertive : this.polite, text);
  }

  /** Stop speaking and forget what was queued (quick exit, leaving). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.chatTimer);
    this.pendingChat = [];
    this.polite.replaceChildren();
    this.assertive.replaceChildren();
  }

  private sayChat(text: string): void {
    if (this.chatTimer !== undefined) {
      this.pendingChat.push(text);
      return;
    }
    this.add(this.polite, text);
    this.chatTimer = setTimeout(() => this.flushChat(), this.chatGapMs);
  }

  private flushChat(): void {
    this.chatTimer = undefined;
    const pending = this.pendingChat;
    this.pendingChat = [];
    if (pending.length === 0) {
      return;
    }
    this.add(
      this.polite,
      pending.length === 1 ? (pending[0] ?? "") : tr("sayChatMany", { count: pending.length }),
    );
    this.chatTimer = setTimeout(() => this.flushChat(), this.chatGapMs);
  }

  private add(region: HTMLElement, text: string): void {
    const line = region.ownerDocument.createElement("p");
    line.textContent = text;
    region.append(line);
    while (region.childElementCount > KEEP_LINES) {
      region.firstElementChild?.remove();
    }
    setTimeout(() => line.remove(), LINE_LIFETIME_MS);
  }
}
