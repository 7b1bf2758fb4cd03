// Builds the browser client into ../server/static/dist with fixed names (no hashes):
// the templates link /static/dist/pages.js, /static/dist/room.js and /static/dist/kreds.css.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  // The server serves the files; nothing here is a public/ folder or an index.html.
  publicDir: false,
  base: "/static/dist/",
  build: {
    outDir: here("../server/static/dist"),
    emptyOutDir: true,
    // One stylesheet for every page, whichever entry imports styles.
    cssCodeSplit: false,
    sourcemap: false,
    target: "es2022",
    modulePreload: false,
    manifest: false,
    reportCompressedSize: false,
    // The background blur's files (client/src/media/segmenter.ts, `?url` imports from
    // @mediapipe/selfie_segmentation) are emitted as files of their own, never inlined as data:
    // URLs: the page fetches them from /static/dist/assets/ (the CSP allows no data: fetch).
    assetsInlineLimit: (file) => (file.includes("@mediapipe/") ? false : undefined),
    rolldownOptions: {
      input: {
        pages: here("src/pages.ts"),
        room: here("src/room/main.ts"),
      },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name].js",
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith(".css")) ? "kreds.css" : "assets/[name][extname]",
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
