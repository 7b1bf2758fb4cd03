/**
 * The few strings the client writes itself, in every language the pages offer.
 *
 * Pages are translated on the server; these are only what script adds (announcements,
 * button states). English is the source; every other dictionary must have the same keys
 * (the type below and i18n.test.ts both check it).
 */

const en = {
  copied: "Copied",
  copyFailed: "Could not copy. Select the text and copy it yourself.",
  errorTimeout: "The server did not answer in time. Check your connection and try again.",
  errorBadReply: "Something went wrong. Please try again.",
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Readonly<Record<MessageKey, string>>;

const da: Dictionary = {
  copied: "Kopieret",
  copyFailed: "Kunne ikke kopiere. Markér teksten, og kopiér den selv.",
  errorTimeout: "Serveren svarede ikke i tide. Tjek din forbindelse, og prøv igen.",
  errorBadReply: "Noget gik galt. Prøv igen.",
};

export const dictionaries = { en, da } as const satisfies Record<string, Dictionary>;

export type Language = keyof typeof dictionaries;
export const defaultLanguage: Language = "en";

function isLanguage(code: string): code is Language {
  return Object.hasOwn(dictionaries, code);
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

/** A client string in the given language (the page's by default). */
export function t(key: MessageKey, language: Language = pageLanguage()): string {
  return dictionaries[language][key];
}

const clientErrorKeys: Readonly<Record<string, MessageKey>> = {
  timeout: "errorTimeout",
  bad_reply: "errorBadReply",
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
