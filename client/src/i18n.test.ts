import { afterEach, describe, expect, it } from "vitest";
import { dictionaries, errorText, languageOf, pageLanguage, t } from "./i18n";

describe("i18n", () => {
  afterEach(() => {
    document.documentElement.lang = "";
  });

  it("has the same keys in every language", () => {
    const english = Object.keys(dictionaries.en).sort();
    for (const [language, dictionary] of Object.entries(dictionaries)) {
      expect(Object.keys(dictionary).sort(), language).toEqual(english);
    }
  });

  it("has no empty or untranslated strings", () => {
    for (const [language, dictionary] of Object.entries(dictionaries)) {
      for (const [key, text] of Object.entries(dictionary)) {
        expect(text.trim(), `${language}.${key}`).not.toBe("");
        if (language !== "en") {
          expect(text, `${language}.${key}`).not.toBe(dictionaries.en[key as keyof typeof dictionaries.en]);
        }
      }
    }
  });

  it("follows the page's language", () => {
    document.documentElement.lang = "da";
    expect(pageLanguage()).toBe("da");
    expect(t("copied")).toBe("Kopieret");

    document.documentElement.lang = "en";
    expect(t("copied")).toBe("Copied");
  });

  it("reads regional tags and falls back to English", () => {
    expect(languageOf("da-DK")).toBe("da");
    expect(languageOf("en_GB")).toBe("en");
    expect(languageOf("uk")).toBe("en");
    expect(languageOf("")).toBe("en");
    expect(languageOf(undefined)).toBe("en");
  });

  it("words client-side failures itself and shows the server's message otherwise", () => {
    expect(errorText({ code: "timeout", message: "x" }, "da")).toBe(dictionaries.da.errorTimeout);
    expect(errorText({ code: "bad_reply", message: "x" }, "en")).toBe(dictionaries.en.errorBadReply);
    expect(errorText({ code: "not_your_turn", message: "Vent på din tur." }, "da")).toBe("Vent på din tur.");
  });
});
