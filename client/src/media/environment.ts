/**
 * The browser's media functions behind the MediaEnvironment interface (tests use fakes).
 *
 * Remote audio plays through an `<audio>` element that is never put in the page; it is also
 * what makes Chrome feed a remote stream to Web Audio (for the speaking indicator).
 */

import { BackgroundEngine, browserCanReplaceBackground } from "./background";
import { webAudioMeter } from "./speaking";
import { CLOSED } from "./results";
import { playCalmTone } from "./tone";
import type { AudioOutput, MediaEnvironment } from "./types";

export function browserEnvironment(): MediaEnvironment {
  let context: AudioContext | null = null;
  const audioContext = (): AudioContext | null => {
    if (context === null && typeof AudioContext !== "undefined") {
      context = new AudioContext();
    }
    return context;
  };

  let background: BackgroundEngine | null = null;
  let closed = false;

  return {
    createPeerConnection: (config) => new RTCPeerConnection(config),
    getUserMedia: (constraints) => navigator.mediaDevices.getUserMedia(constraints),
    enumerateDevices: () =>
      navigator.mediaDevices?.enumerateDevices ? navigator.mediaDevices.enumerateDevices() : Promise.resolve([]),
    createStream: (tracks) => new MediaStream(tracks ?? []),
    createAudioOutput: (stream): AudioOutput => {
      const element = new Audio();
      element.autoplay = true;
      element.srcObject = stream;
      return {
        play: () => element.play(),
        // Not every browser lets a page choose the speakers.
        ...(typeof element.setSinkId === "function"
          ? { setSinkId: (deviceId: string) => element.setSinkId(deviceId) }
          : {}),
        close: () => {
          element.pause();
          element.srcObject = null;
        },
      };
    },
    createLevelMeter: (stream) => {
      const found = audioContext();
      return found ? webAudioMeter(found, stream) : null;
    },
    resumeAudio: async () => {
      const found = audioContext();
      if (found && found.state === "suspended") {
        await found.resume();
      }
    },
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
    now: () => performance.now(),
    backgroundSupported: () => browserCanReplaceBackground(),
    processBackground: async (camera, mode, failed) => {
      if (closed) {
        return CLOSED;
      }
      background ??= new BackgroundEngine();
      return background.start(camera, mode, failed);
    },
    playTone: (speakerId) => playCalmTone(speakerId),
    close: () => {
      const found = context;
      context = null;
      if (found) {
        void found.close().catch(() => undefined);
      }
      closed = true;
      background?.close();
    },
  };
}
