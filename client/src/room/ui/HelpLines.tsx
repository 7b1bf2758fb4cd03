/**
 * The organisation's help lines, as the room page gives them (`<script type="application/json"
 * id="help-lines">`, written by an administrator), behind one line ("If you need help now") in
 * the lobby and on the screens after the meeting. Each number is a plain tel: link: the phone
 * dials it, and nothing is sent to Kreds when someone opens the list or taps a number.
 */

import { useRoom } from "./context";
import { tr } from "./text";

export interface HelpLine {
  name: string;
  /** As the organisation writes it ("+45 33 45 86 30"). */
  number: string;
  /** What the tel: link dials: digits, with a + first for a country code. */
  dial: string;
  hours: string;
  languages: string;
  note: string;
}

const DIALLABLE = /^\+?[0-9]+$/;
const TEXTS = ["name", "number", "hours", "languages", "note"] as const;

function helpLineOf(item: unknown): HelpLine | null {
  if (typeof item !== "object" || item === null) {
    return null;
  }
  const data = item as Record<string, unknown>;
  const dial = data.dial;
  if (typeof dial !== "string" || !DIALLABLE.test(dial)) {
    return null;
  }
  const line: HelpLine = { name: "", number: "", dial, hours: "", languages: "", note: "" };
  for (const key of TEXTS) {
    const value = data[key];
    if (value !== undefined && typeof value !== "string") {
      return null;
    }
    line[key] = value ?? "";
  }
  return line.name && line.number ? line : null;
}

/** The lines in the page's JSON; none if it is missing or not what the server writes. */
export function readHelpLines(json: string | null | undefined): HelpLine[] {
  if (!json) {
    return [];
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) {
    return [];
  }
  return data.map(helpLineOf).filter((line): line is HelpLine => line !== null);
}

function HelpLineList({ lines }: { lines: readonly HelpLine[] }) {
  return (
    <ul class="help-lines">
      {lines.map((line, index) => (
        <li key={index} class="help-line">
          {/* Written in the organisation's language, whatever the room's direction. */}
          <span class="help-line-name" dir="auto">
            {line.name}
          </span>
          <a class="help-line-number" href={`tel:${line.dial}`} dir="ltr">
            {line.number}
          </a>
          <span class="help-line-details" dir="auto">
            {[line.hours, line.languages].filter(Boolean).join(" · ")}
          </span>
          {line.note && (
            <span class="help-line-note" dir="auto">
              {line.note}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The help lines behind one neutral line, "If you need help now", that opens them: in the lobby
 * and on the screens after the meeting alike. A help line's name may say what it is for, and
 * someone else may see the screen; the person opens the list when they choose. Nothing when
 * the organisation lists none.
 */
export function HelpLines() {
  const { helpLines } = useRoom();
  if (!helpLines || helpLines.length === 0) {
    return null;
  }
  return (
    <details class="help-lines-details" data-testid="help-lines">
      <summary>{tr("helpLinesHeading")}</summary>
      <HelpLineList lines={helpLines} />
    </details>
  );
}
