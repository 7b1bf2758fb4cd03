/** Countdowns and clock times. */

import { formatDuration, secondsUntil } from "../derive";
import { roomLanguage } from "./text";

/**
 * A countdown to `until` (server seconds). `role="timer"` is not read out on every tick; the
 * text before it says what it counts.
 */
export function Countdown(props: { until: number; now: number; offset: number }) {
  const left = secondsUntil(props.until, props.now, props.offset);
  return (
    <span role="timer" class="countdown">
      {formatDuration(left)}
    </span>
  );
}

/** A time of day from server seconds, in the room's language ("14:05"). */
export function clockTime(at: number): string {
  try {
    // 24-hour clock in English too (en-GB), as in Danish.
    const locale = roomLanguage() === "en" ? "en-GB" : roomLanguage();
    return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(
      new Date(at * 1000),
    );
  } catch {
    return "";
  }
}
