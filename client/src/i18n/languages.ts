/**
 * Every language Kreds may speak, each named in itself (for the language switch). A language is
 * offered only when its catalogue, `<code>.json` beside this file, exists; the order here is
 * the order of the switch.
 */
export const LANGUAGE_NAMES = {
  da: "Dansk",
  en: "English",
  cs: "Čeština",
  uk: "Українська",
  de: "Deutsch",
  fr: "Français",
  nl: "Nederlands",
  es: "Español",
  ar: "العربية",
} as const;

export type KnownLanguage = keyof typeof LANGUAGE_NAMES;

export function isKnownLanguage(code: string): code is KnownLanguage {
  return Object.hasOwn(LANGUAGE_NAMES, code);
}
