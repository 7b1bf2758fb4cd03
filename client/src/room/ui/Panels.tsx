/**
 * The room's panels, one open at a time (`model.panel`): people and the speaking order, chat,
 * the private line, the facilitator's tools, and "More" (settings, layout, language, stepping
 * out, leaving). On a phone the open panel is a sheet over the stage, above the toolbar; on a
 * wide screen it is the column beside the stage, which shows the default when nothing else is
 * open (a facilitator's tools, a participant's people). Opening one moves focus to its
 * heading; Escape or Close puts focus back on the toolbar's button.
 */

import { useEffect, useRef } from "preact/hooks";
import { facilitates, person } from "../derive";
import type { Panel } from "../model";
import { Chat } from "./Chat";
import { useModel, useRoom } from "./context";
import { ActionButton } from "./controls";
import { FacilitatorPanel } from "./Facilitator";
import { useLayout } from "./layout";
import { MediaSettingsPart } from "./Media";
import { People } from "./People";
import { PrivateLine } from "./PrivateLine";
import { Reactions } from "./Reactions";
import { Section } from "./Section";
import { ShortcutsToggle } from "./Shortcuts";
import { Speaking } from "./Speaking";
import { Topics } from "./Topics";
import { LANGUAGE_NAMES, tr, roomLanguage } from "./text";

export function StatusToggle() {
  const model = useModel();
  const away = person(model.room, model.me.userId)?.status === "away";
  return away ? (
    <ActionButton event="set_status" payload={{ status: "here" }} variant="primary">
      {tr("imBack")}
    </ActionButton>
  ) : (
    <ActionButton event="set_status" payload={{ status: "away" }} variant="secondary">
      {tr("stepOut")}
    </ActionButton>
  );
}

function LayoutChoices() {
  const layout = useLayout();
  const views = [
    ["auto", "viewAuto"],
    ["gallery", "viewGallery"],
    ["speaker", "viewSpeaker"],
  ] as const;
  return (
    <Section id="layout-settings" level={3} class="panel-part" heading={tr("layoutHeading")}>
      <fieldset class="view-choice">
        <legend>{tr("viewLegend")}</legend>
        <div class="choice-row">
          {views.map(([view, label]) => (
            <label key={view} class="radio">
              <input
                type="radio"
                name="stage-view"
                value={view}
                checked={layout.view === view}
                onChange={() => layout.set({ view })}
              />
              {tr(label)}
            </label>
          ))}
        </div>
      </fieldset>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={layout.hideSelf}
          onChange={(event) => layout.set({ hideSelf: event.currentTarget.checked })}
        />
        {tr("hideSelfLabel")}
      </label>
      <ShortcutsToggle />
      <button
        type="button"
        class="button secondary small"
        onClick={() => document.dispatchEvent(new CustomEvent("kreds:shortcuts-help"))}
      >
        {tr("shortcutsHelp")}
      </button>
    </Section>
  );
}

function LanguageChoice() {
  const { switchLanguage } = useRoom();
  const current = roomLanguage();
  return (
    <Section
      id="language-settings"
      level={3}
      class="panel-part phone-only"
      heading={tr("languageHeading")}
    >
      <div class="row">
        {Object.entries(LANGUAGE_NAMES)
          .filter(([code]) => code !== current)
          .map(([code, name]) => (
            <button
              key={code}
              type="button"
              class="button secondary small"
              lang={code}
              onClick={() => void switchLanguage?.(code)}
            >
              {name}
            </button>
          ))}
      </div>
    </Section>
  );
}

function More() {
  const { media, leave, links } = useRoom();
  return (
    <Section id="more" class="card room-more" heading={tr("moreHeading")}>
      <div class="row phone-only">
        <StatusToggle />
        <button type="button" class="button secondary" onClick={leave}>
          {tr("leaveMeeting")}
        </button>
      </div>
      {media && (
        <Section id="media-settings" level={3} class="panel-part" heading={tr("mediaSettings")}>
          <MediaSettingsPart media={media} />
        </Section>
      )}
      <LayoutChoices />
      <LanguageChoice />
      <p class="safety-link">
        <a href={links.safety}>
          {tr("safetyLink")}
        </a>
      </p>
    </Section>
  );
}

function PanelContent({ panel }: { panel: Panel }) {
  switch (panel) {
    case "people":
      return (
        <>
          <Speaking />
          <People />
          <Topics />
        </>
      );
    case "chat":
      return (
        <>
          <Chat />
          <Reactions />
        </>
      );
    case "private":
      return <PrivateLine />;
    case "facilitator":
      return <FacilitatorPanel />;
    default:
      return <More />;
  }
}

export function Panels() {
  const model = useModel();
  const { store } = useRoom();
  const panel = model.panel;
  const facilitating = facilitates(model.me.role);
  // On a wide screen the column is never empty: a facilitator's tools, or the people.
  const shown: Panel = panel ?? (facilitating ? "facilitator" : "people");
  const container = useRef<HTMLDivElement>(null);
  const opened = useRef<Panel | null>(panel);
  const visible = panel !== "facilitator" || facilitating;

  useEffect(() => {
    const before = opened.current;
    opened.current = panel;
    const doc = container.current?.ownerDocument;
    if (panel !== null && panel !== before) {
      // The sheet's first heading, so that a screen reader starts where the panel starts.
      const heading = container.current?.querySelector<HTMLElement>("h2[tabindex='-1']");
      const active = doc?.activeElement;
      // Not when the person is typing elsewhere (Reply from a tile focuses the message box).
      if (!(active instanceof HTMLTextAreaElement) || !container.current?.contains(active)) {
        if (!container.current?.contains(doc?.activeElement ?? null)) {
          heading?.focus();
        }
      }
    } else if (panel === null && before !== null) {
      doc?.querySelector<HTMLElement>(`.room-toolbar [data-panel="${before}"]`)?.focus();
    }
  }, [panel]);

  const close = (): void => store.dispatch({ type: "panel", panel: null });
  return (
    <div
      ref={container}
      id="room-panel"
      class={`room-side panel-${shown}${panel !== null ? " is-open" : ""}`}
      onKeyDown={(event) => {
        if (event.key === "Escape" && panel !== null) {
          event.stopPropagation();
          close();
        }
      }}
    >
      {panel !== null && (
        <button type="button" class="button secondary small panel-close" onClick={close}>
          {tr("closePanel")}
        </button>
      )}
      {visible && <PanelContent panel={shown} />}
    </div>
  );
}
