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

/**
 * A time of day from server seconds, in the room's language ("14:05", Danish "14.05"): the
 * 24-hour clock in every language (Arabic and English would otherwise say "02:05 PM"), with
 * the separator and digits the language writes.
 */
export function clockTime(at: number): string {
  try {
    return new Intl.DateTimeFormat(roomLanguage(), {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(at * 1000));
  } catch {
    return "";
  }
}
