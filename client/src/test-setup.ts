/**
 * Vitest setup for every test file.
 *
 * Preact runs effects "after the next paint": a requestAnimationFrame raced by a 100 ms timer
 * that then cancels the frame. When a test file ends within those 100 ms, its jsdom window is
 * gone by the time the timer fires and `cancelAnimationFrame` is undefined: an uncaught error
 * that fails the run although every test passed. A plain timer does the same job here.
 * (`act` from preact/test-utils sets its own for its duration and puts this one back.)
 */

import { options } from "preact";
import { languages, loadLanguage } from "./i18n";

options.requestAnimationFrame = (callback: () => void) => {
  setTimeout(callback, 0);
};

// A page fetches its language's catalogue before it shows words (room/main.ts, pages.ts); tests
// render any language at once, so every catalogue is here from the start.
await Promise.all(languages.map((language) => loadLanguage(language)));
