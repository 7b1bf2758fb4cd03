/**
 * The room's words: the client catalogues (src/i18n/*.json) in the room's language, which the
 * page gives in `<div id="room" data-language>`. The page loads that language before the room
 * renders (`loadLanguage`, room/main.ts).
 */

import { type Language, type MessageKey, format, languageOf, languages } from "../../i18n";
import { LANGUAGE_NAMES as ALL_NAMES } from "../../i18n/languages";
import type { Announcement } from "../changes";

let language: Language = "en";

/** The languages with a catalogue, each named in itself, for the switcher. */
export const LANGUAGE_NAMES: Readonly<Partial<Record<Language, string>>> = Object.fromEntries(
  languages.map((code) => [code, ALL_NAMES[code]]),
);

export function setLanguage(tag: string | null | undefined): void {
  language = languageOf(tag);
}

export function roomLanguage(): Language {
  return language;
}

/** A string of the room, with `{name}`-style values put in. */
export function tr(key: MessageKey, params: Record<string, string | number> = {}): string {
  return format(key, params, language);
}

/** The words of an announcement (values given as `{key}` are translated first). */
export function say(announcement: Announcement): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(announcement.params ?? {})) {
    params[name] = typeof value === "string" ? value : tr(value.key);
  }
  return tr(announcement.key, params);
}
