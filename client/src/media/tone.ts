/**
 * The speaker test: a short, calm chime made with Web Audio (three soft sine notes, about a
 * second), on the chosen speakers where the browser lets a page choose (`AudioContext.setSinkId`).
 * No sound file, nothing kept.
 */

const NOTES_HZ = [523.25, 659.25, 783.99]; // C5, E5, G5
const STEP_S = 0.3;
const NOTE_S = 0.7;
const VOLUME = 0.18;

type SinkContext = AudioContext & { setSinkId?: (sinkId: string) => Promise<void> };

export async function playCalmTone(speakerId: string | null): Promise<void> {
  if (typeof AudioContext === "undefined") {
    throw new Error("This browser has no Web Audio.");
  }
  const context: SinkContext = new AudioContext();
  try {
    if (speakerId && typeof context.setSinkId === "function") {
      await context.setSinkId(speakerId).catch(() => undefined); // else the browser's choice
    }
    await context.resume();
    const start = context.currentTime + 0.05;
    NOTES_HZ.forEach((frequency, index) => {
      const at = start + index * STEP_S;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.04);
      gain.gain.exponentialRampToValueAtTime(0.001, at + NOTE_S);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + NOTE_S + 0.05);
    });
    const lengthMs = ((NOTES_HZ.length - 1) * STEP_S + NOTE_S + 0.15) * 1000;
    await new Promise((resolve) => setTimeout(resolve, lengthMs));
  } finally {
    void context.close().catch(() => undefined);
  }
}
