/** Small line icons for the toolbar and the stage: decoration only (`aria-hidden`), words beside them. */

const PATHS = {
  hand: "M8 13V5.5a1.5 1.5 0 0 1 3 0V12m0-1V4a1.5 1.5 0 0 1 3 0v7m0-5.5a1.5 1.5 0 0 1 3 0V12m0-3.5a1.5 1.5 0 0 1 3 0V15a6 6 0 0 1-6 6h-1.5a6 6 0 0 1-4.8-2.4L4.3 14.7a1.5 1.5 0 0 1 2.4-1.8L8 14.5",
  chat: "M4 5h16v11H9l-5 4z",
  people: "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-6 9a6 6 0 0 1 12 0M16 11a3 3 0 1 0 0-6M18 20a6 6 0 0 0-3-5.2",
  private: "M4 6h16v12H4zM4 7l8 6 8-6",
  tools: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  pass: "M5 12h11M12 7l5 5-5 5M20 5v14",
  done: "M5 13l4 4L19 7",
  mic: "M12 4a3 3 0 0 1 3 3v5a3 3 0 0 1-6 0V7a3 3 0 0 1 3-3zM6 11a6 6 0 0 0 12 0M12 17v3M9 20h6",
  micOff:
    "M12 4a3 3 0 0 1 3 3v5a3 3 0 0 1-6 0V7a3 3 0 0 1 3-3zM6 11a6 6 0 0 0 12 0M12 17v3M9 20h6M4 4l16 16",
  camera: "M4 7h11v10H4zM15 10.5l5-3v9l-5-3",
  cameraOff: "M4 7h11v10H4zM15 10.5l5-3v9l-5-3M3 4l17 16",
  pin: "M9 4h6l-1 5 3 3H7l3-3zM12 12v8",
} as const;

export type IconName = keyof typeof PATHS;

/**
 * Icons that point along the line of text ("Pass": an arrow on to the next person): the
 * stylesheet mirrors them in a right-to-left language (`[dir="rtl"] .icon-directional`).
 */
const DIRECTIONAL: ReadonlySet<IconName> = new Set<IconName>(["pass"]);

export function Icon({ name }: { name: IconName }) {
  const directional = DIRECTIONAL.has(name) ? " icon-directional" : "";
  return (
    <svg
      class={`icon icon-${name}${directional}`}
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
