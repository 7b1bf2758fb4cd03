/**
 * The client's catalogues (src/i18n/<lang>.json) and their formatting (src/i18n.ts).
 *
 * Every catalogue present is checked, so a translator's new file is held to the same rules as
 * en.json the moment it exists: the same keys, messages that parse as ICU with the same values,
 * plural forms by the language's own rules, nothing left in English unless listed below with a
 * reason, and the glossary's words (docs/i18n.md) wherever the English says one of its terms.
 */

import {
  type MessageFormatElement,
  type PluralElement,
  TYPE,
  parse,
} from "@formatjs/icu-messageformat-parser";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import glossaryFile from "./i18n/glossary.json";
import { LANGUAGE_NAMES } from "./i18n/languages";
import { setLanguage } from "./room/ui/text";
import { clockTime } from "./room/ui/time";
import {
  type MessageKey,
  errorText,
  format,
  languageOf,
  languages,
  loadLanguage,
  pageLanguage,
  t,
} from "./i18n";

type Catalogue = Readonly<Record<string, string>>;

const files = import.meta.glob<Catalogue>(["./i18n/*.json", "!./i18n/glossary.json"], {
  eager: true,
  import: "default",
});
const catalogues: Readonly<Record<string, Catalogue>> = Object.fromEntries(
  Object.entries(files).map(([path, catalogue]) => [path.replace(/^.*\/|\.json$/g, ""), catalogue]),
);
const en = catalogues.en ?? {};
const others = Object.entries(catalogues).filter(([language]) => language !== "en");

/**
 * Messages that may read exactly as in English, per language and key, each with the reason.
 * Anything else identical to English counts as untranslated.
 */
const SAME_AS_ENGLISH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  cs: {
    chatHeading: "the glossary's word for the chat is 'Chat' here too",
    minutesSeconds: "the unit 'min' is the same abbreviation",
  },
  de: {
    chatHeading: "the glossary's word for the chat is 'Chat' here too",
    handShort: "'Hand' is the German word too",
    balanceName: "'Name' is the German word too",
    layoutHeading: "'Layout' is the usual German word in video-meeting software",
  },
  fr: {
    chatHeading: "the glossary's word for the chat is 'Chat' here too",
    micDeviceLabel: "'Microphone' is the French word too",
    micShort: "'Microphone' is the French word too",
    micUnnamed: "'Microphone {number}' is the French wording too",
    options: "'Options' is the French word too",
    minutesSeconds: "the unit 'min' is the same abbreviation",
  },
  nl: {
    chatHeading: "the glossary's word for the chat is 'Chat' here too",
    cameraDeviceLabel: "'Camera' is the Dutch word too",
    cameraShort: "'Camera' is the Dutch word too",
    cameraUnnamed: "'Camera {number}' is the Dutch wording too",
    handShort: "'Hand' is the Dutch word too",
    layoutHeading: "'Layout' is the usual Dutch word in video-meeting software",
    minutesSeconds: "the unit 'min' is the same abbreviation",
  },
  es: {
    chatHeading: "the glossary's word for the chat is 'Chat' here too",
    minutesSeconds: "the unit 'min' is the same abbreviation",
  },
};

/** Glossary terms a translation may leave out, per language and key, with the reason. */
const GLOSSARY_EXCEPTIONS: Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>
> = {};

interface Term {
  readonly [field: string]: string | readonly string[] | undefined;
}
const terms = (glossaryFile as unknown as { terms: Readonly<Record<string, Term>> }).terms;

function ast(message: string): MessageFormatElement[] {
  return parse(message, { ignoreTag: true, requiresOtherClause: true });
}

/** The message's elements, or none when it does not parse (the parse test names those). */
function parsed(message: string): MessageFormatElement[] {
  try {
    return ast(message);
  } catch {
    return [];
  }
}

/** Every element, branches of plurals and selects included. */
function walk(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  return elements.flatMap((element) => {
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      return [element, ...Object.values(element.options).flatMap((option) => walk(option.value))];
    }
    if (element.type === TYPE.tag) {
      return [element, ...walk(element.children)];
    }
    return [element];
  });
}

function argumentNames(message: string): string[] {
  const names = walk(parsed(message)).flatMap((element) =>
    element.type === TYPE.literal || element.type === TYPE.pound || element.type === TYPE.tag
      ? []
      : [element.value],
  );
  return [...new Set(names)].sort();
}

function plurals(message: string): PluralElement[] {
  return walk(parsed(message)).filter((element) => element.type === TYPE.plural);
}

/** The words a reader sees: literal text of every branch, without the placeholders. */
function words(message: string): string {
  return walk(parsed(message))
    .map((element) => (element.type === TYPE.literal ? element.value : " "))
    .join("");
}

/** Normalised for the glossary's substring match (docs/i18n.md, "For contributors"). */
function normalise(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\u2019/g, "'")
    .replace(/[\u064B-\u0652\u0640]/g, "")
    .toLowerCase();
}

function mentions(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

function formsOf(term: Term, language: string): string[] {
  const forms = term[`${language}_forms`];
  const value = term[language];
  return [
    ...new Set([...(Array.isArray(forms) ? forms : []), ...(typeof value === "string" ? [value] : [])]),
  ];
}

/** The plural categories whole numbers reach in a language ("few" in Czech, "zero" in Arabic…). */
function categoriesFor(language: string, type: Intl.PluralRulesOptions["type"]): Set<string> {
  const rules = new Intl.PluralRules(language, { type });
  const reached = new Set<string>();
  for (let n = 0; n <= 1000; n += 1) {
    reached.add(rules.select(n));
  }
  return reached;
}

describe("the catalogues", () => {
  it("are English and the languages that have a name", () => {
    expect(Object.keys(catalogues)).toContain("en");
    for (const language of Object.keys(catalogues)) {
      expect(Object.keys(LANGUAGE_NAMES), `${language}.json has no name in languages.ts`).toContain(
        language,
      );
    }
    expect([...languages].sort()).toEqual(Object.keys(catalogues).sort());
  });

  it.each(Object.entries(catalogues))("%s has exactly en.json's keys", (_language, catalogue) => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.entries(catalogues))(
    "%s: every message parses as ICU, is not empty and keeps its apostrophes",
    (language, catalogue) => {
      const problems: string[] = [];
      const apostrophes = (text: string): number => text.split("'").length - 1;
      for (const [key, message] of Object.entries(catalogue)) {
        const where = `${language}.${key}`;
        if (typeof message !== "string" || message.trim() === "") {
          problems.push(`${where} is empty`);
          continue;
        }
        try {
          ast(message);
        } catch (error) {
          problems.push(`${where} is not ICU MessageFormat (${String(error)}): ${message}`);
          continue;
        }
        // An apostrophe before { } or # quotes them in ICU and vanishes: write ’ there.
        if (apostrophes(words(message)) !== apostrophes(message)) {
          problems.push(`${where} has an apostrophe ICU reads as quoting: ${message}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(others)("%s: every message has the same values as in English", (language, catalogue) => {
    const problems: string[] = [];
    for (const [key, message] of Object.entries(catalogue)) {
      if (parsed(message).length === 0) {
        continue; // empty or not ICU: the test above names it
      }
      const mine = argumentNames(message).join(", ");
      const english = argumentNames(en[key] ?? "").join(", ");
      if (key in en && mine !== english) {
        problems.push(`${language}.${key} has {${mine}} where English has {${english}}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(others)("%s: nothing is left in English unless listed", (language, catalogue) => {
    const allowed = SAME_AS_ENGLISH[language] ?? {};
    const untranslated = Object.entries(catalogue)
      .filter(([key, message]) => message === en[key] && !Object.hasOwn(allowed, key))
      .map(([key]) => `${language}.${key}`);
    expect(untranslated).toEqual([]);
  });

  it("has a reason for every message allowed to stay English", () => {
    for (const [language, allowed] of Object.entries(SAME_AS_ENGLISH)) {
      for (const [key, reason] of Object.entries(allowed)) {
        expect(Object.keys(en), `${language}.${key}`).toContain(key);
        expect(reason.trim(), `${language}.${key}`).not.toBe("");
      }
    }
  });

  it("says counts in English as plurals with an 'other' form", () => {
    const counted = ["charactersLeft", "sayChatMany", "sayBreakStarted", "unreadCount", "lobbyToolsHeading"];
    for (const key of counted) {
      expect(plurals(en[key] ?? "").length, key).toBeGreaterThan(0);
    }
    for (const [key, message] of Object.entries(en)) {
      for (const plural of plurals(message)) {
        expect(Object.keys(plural.options), key).toContain("other");
      }
    }
  });

  it.each(Object.entries(catalogues))(
    "%s: a count English says as a plural is a plural here, with every form the language uses",
    (language, catalogue) => {
      const problems: string[] = [];
      for (const [key, message] of Object.entries(catalogue)) {
        const where = `${language}.${key}`;
        const mine = plurals(message);
        for (const counted of plurals(en[key] ?? "")) {
          if (!mine.some((plural) => plural.value === counted.value)) {
            problems.push(`${where} must say {${counted.value}} as a plural, as English does`);
          }
        }
        for (const plural of mine) {
          const needed = categoriesFor(language, plural.pluralType);
          const missing = [...needed].filter((category) => !Object.hasOwn(plural.options, category));
          if (missing.length > 0) {
            problems.push(`${where} lacks the plural forms ${missing.join(", ")} of ${language}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(others)("%s: says the glossary's word wherever English says a term", (language, catalogue) => {
    const misses: string[] = [];
    const excepted = GLOSSARY_EXCEPTIONS[language] ?? {};
    for (const [key, english] of Object.entries(en)) {
      const translated = catalogue[key];
      if (translated === undefined) {
        continue;
      }
      const englishWords = words(english);
      const text = normalise(words(translated));
      for (const [name, term] of Object.entries(terms)) {
        const enForms = term.en_forms;
        if (!Array.isArray(enForms) || !enForms.some((form) => mentions(englishWords, form))) {
          continue;
        }
        const forms = formsOf(term, language).map(normalise);
        if (forms.length === 0 || forms.some((form) => text.includes(form))) {
          continue;
        }
        if (!Object.hasOwn(excepted[key] ?? {}, name)) {
          misses.push(
            `${language}.${key} lacks the glossary term "${name}" (${forms.join(" / ")}): ${translated}`,
          );
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it("has a reason for every glossary exception", () => {
    for (const [language, keys] of Object.entries(GLOSSARY_EXCEPTIONS)) {
      for (const [key, excepted] of Object.entries(keys)) {
        for (const [term, reason] of Object.entries(excepted)) {
          expect(Object.keys(terms), `${language}.${key}`).toContain(term);
          expect(reason.trim(), `${language}.${key}.${term}`).not.toBe("");
        }
      }
    }
  });
});

describe("formatting", () => {
  beforeAll(async () => {
    await Promise.all(languages.map((language) => loadLanguage(language)));
  });

  afterEach(() => {
    document.documentElement.lang = "";
  });

  it("follows the page's language", () => {
    document.documentElement.lang = "da";
    expect(pageLanguage()).toBe("da");
    expect(t("copied")).toBe("Kopieret");

    document.documentElement.lang = "en";
    expect(t("copied")).toBe("Copied");
  });

  it("puts values in and chooses the plural form by the language's rules", () => {
    expect(format("hasFloor", { name: "Alex" }, "en")).toBe("Alex has the floor");
    expect(format("charactersLeft", { count: 1 }, "en")).toBe("1 character left");
    expect(format("charactersLeft", { count: 12 }, "en")).toBe("12 characters left");
    expect(format("unreadCount", { count: 1 }, "da")).toBe("1 ny");
    expect(format("unreadCount", { count: 3 }, "da")).toBe("3 nye");
    expect(format("sayBreakStarted", { minutes: "1" }, "da")).toBe("Pause i 1 minut.");
    expect(format("lobbyToolsHeading", { count: 0 }, "en")).toBe("Lobby (0 waiting)");
  });

  it("shows an apostrophe as written", () => {
    expect(format("theirTurn", { name: "Alex" }, "en")).toBe("It's Alex's turn");
    expect(t("imBack", "en")).toBe("I'm back");
  });

  it("shows the message rather than failing when a value is missing", () => {
    expect(format("hasFloor", {}, "en")).toBe("{name} has the floor");
  });

  it.each(languages)("%s writes clock times on the 24-hour clock", (language) => {
    setLanguage(language);
    const fivepast = (hour: number): number => new Date(2026, 10, 22, hour, 5).getTime() / 1000;
    // Whatever digits the language writes, read as 0-9 here.
    const digits = (text: string): string =>
      text.replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660));
    expect(digits(clockTime(fivepast(14)))).toMatch(/^14\D+05$/);
    expect(digits(clockTime(fivepast(0)))).toMatch(/^00\D+05$/);
    setLanguage("en");
  });

  it("reads regional tags and falls back to English", () => {
    expect(languageOf("da-DK")).toBe("da");
    expect(languageOf("en_GB")).toBe("en");
    expect(languageOf("xx")).toBe("en");
    expect(languageOf("")).toBe("en");
    expect(languageOf(undefined)).toBe("en");
  });

  it("words client-side failures itself and shows the server's message otherwise", () => {
    expect(errorText({ code: "timeout", message: "x" }, "da")).toBe(catalogues.da?.errorTimeout);
    expect(errorText({ code: "bad_reply", message: "x" }, "en")).toBe(en.errorBadReply);
    expect(errorText({ code: "not_your_turn", message: "Vent på din tur." }, "da")).toBe(
      "Vent på din tur.",
    );
  });
});

describe("loading a language", () => {
  it("shows English until the page's language has arrived, then that language", async () => {
    vi.resetModules();
    const fresh = await import("./i18n");
    const key: MessageKey = "copied";
    expect(fresh.isLoaded("da")).toBe(false);
    expect(fresh.t(key, "da")).toBe("Copied");
    await fresh.loadLanguage("da");
    expect(fresh.isLoaded("da")).toBe(true);
    expect(fresh.t(key, "da")).toBe("Kopieret");
  });
});
