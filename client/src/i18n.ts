/**
 * The strings the client writes itself, in every language that has a catalogue.
 *
 * Pages are translated on the server; these are what script adds (the room, announcements,
 * button states). Each language is one catalogue, `i18n/<code>.json`: key → ICU MessageFormat
 * message (see i18n/README.md). English is the source and is bundled; any other language is
 * fetched, as a chunk of its own, only by a page written in it (`loadLanguage`). Until then,
 * and for a message a catalogue lacks, the English words are shown.
 */

import IntlMessageFormat from "intl-messageformat";
import english from "./i18n/en.json";
import { type KnownLanguage, LANGUAGE_NAMES, isKnownLanguage } from "./i18n/languages";

export type MessageKey = keyof typeof english;
/** A language's messages as loaded: key → ICU message. */
type Catalogue = Readonly<Partial<Record<string, string>>>;
export type Language = KnownLanguage;

export const defaultLanguage: Language = "en";

// Vite makes one chunk per file; nothing is fetched until `loadLanguage` asks for it.
const loaders = import.meta.glob<Catalogue>(
  ["./i18n/*.json", "!./i18n/en.json", "!./i18n/glossary.json"],
  { import: "default" },
);

const fileOf = (language: Language): string => `./i18n/${language}.json`;

/** The languages with a catalogue (adding `i18n/<code>.json` adds one), in the switch's order. */
export const languages: readonly Language[] = (Object.keys(LANGUAGE_NAMES) as Language[]).filter(
  (code) => code === defaultLanguage || Object.hasOwn(loaders, fileOf(code)),
);

const catalogues = new Map<Language, Catalogue>([[defaultLanguage, english]]);
const loading = new Map<Language, Promise<void>>();

/**
 * Fetch a language's catalogue once. Never rejects: if the chunk cannot be fetched, the page
 * goes on in English (and the next call tries again), which is better than no room at all.
 */
export function loadLanguage(language: Language): Promise<void> {
  const load = loaders[fileOf(language)];
  if (catalogues.has(language) || !load) {
    return Promise.resolve();
  }
  let promise = loading.get(language);
  if (!promise) {
    promise = load().then(
      (catalogue) => {
        catalogues.set(language, catalogue);
      },
      () => {
        loading.delete(language);
      },
    );
    loading.set(language, promise);
  }
  return promise;
}

/** Whether `loadLanguage` has brought this language's words (English always has them). */
export function isLoaded(language: Language): boolean {
  return catalogues.has(language);
}

function isLanguage(code: string): code is Language {
  return isKnownLanguage(code) && languages.includes(code);
}

/** The language of a tag such as "da", "da-DK" or "en_GB"; English when we do not have it. */
export function languageOf(tag: string | null | undefined): Language {
  const primary = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLanguage(primary) ? primary : defaultLanguage;
}

/** The language the page is written in (`<html lang>`, set by the server). */
export function pageLanguage(doc: Document = document): Language {
  return languageOf(doc.documentElement.lang);
}

// Parsed messages, per language and key: parsing is the costly part.
const compiled = new Map<string, IntlMessageFormat>();

function compile(key: MessageKey, language: Language): IntlMessageFormat {
  const own = catalogues.get(language)?.[key];
  const [locale, message] = own ? [language, own] : [defaultLanguage, english[key]];
  const cacheKey = `${locale}:${key}`;
  let found = compiled.get(cacheKey);
  if (!found) {
    try {
      // `ignoreTag`: a "<" in a message is text, not rich-text markup.
      found = new IntlMessageFormat(message, locale, undefined, { ignoreTag: true });
    } catch (error) {
      // A message that does not parse (i18n.test.ts keeps them out): the English one.
      if (locale === defaultLanguage) {
        throw error;
      }
      return compile(key, defaultLanguage);
    }
    compiled.set(cacheKey, found);
  }
  return found;
}

/**
 * A client string with values put in: `format("hasFloor", {name: "Alex"})` for
 * "{name} has the floor"; counts choose their plural form by the language's rules
 * (`{count, plural, one {…} other {…}}`).
 */
export function format(
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
  language: Language = pageLanguage(),
): string {
  const message = compile(key, language);
  try {
    return String(message.format(params));
  } catch {
    // A value the caller did not give: show the message rather than nothing.
    return catalogues.get(language)?.[key] ?? english[key];
  }
}

/** A client string in the given language (the page's by default). */
export function t(key: MessageKey, language: Language = pageLanguage()): string {
  return format(key, {}, language);
}

const clientErrorKeys: Readonly<Record<string, MessageKey>> = {
  timeout: "errorTimeout",
  bad_reply: "errorBadReply",
  closed: "errorClosed",
};

/**
 * What to show for a failed request: the client's own wording for failures it detected
 * itself (timeout, malformed reply); otherwise the server's message, already in the
 * person's language.
 */
export function errorText(
  error: { code: string; message: string },
  language: Language = pageLanguage(),
): string {
  const key = clientErrorKeys[error.code];
  return key ? t(key, language) : error.message;
}
