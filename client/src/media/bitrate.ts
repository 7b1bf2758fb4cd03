/**
 * How many bits per second each copy of the camera may use.
 *
 * In a mesh every person uploads one copy of their camera to each other person: six copies in a
 * group of seven. An uplink of a home connection or a phone carries a couple of megabits a second,
 * so the copies share a budget: few people, a sharp picture; many, a smaller share each, never
 * below a floor where faces stop being faces and never above a ceiling where more bits change
 * nothing at 640×360. The person who has the floor is the one everyone watches: their share is
 * larger. The browser's congestion control still sends less when the network carries less;
 * these are ceilings (`RTCRtpEncodingParameters.maxBitrate`).
 */

export interface VideoBudget {
  /** All copies together (bits per second). */
  uplinkBps: number;
  /** No copy gets less than this. */
  minBps: number;
  /** No copy gets more than this. */
  maxBps: number;
  /** The floor holder's share is this many times the others'. */
  floorFactor: number;
}

export const VIDEO_BUDGET: VideoBudget = {
  uplinkBps: 1_800_000,
  minBps: 150_000,
  maxBps: 900_000,
  floorFactor: 1.5,
};

/** The ceiling for each copy of this person's camera, with `others` people to send it to. */
export function videoBitrate(others: number, holdsFloor: boolean, budget: VideoBudget = VIDEO_BUDGET): number {
  const share = (budget.uplinkBps / Math.max(1, others)) * (holdsFloor ? budget.floorFactor : 1);
  return Math.floor(Math.min(budget.maxBps, Math.max(budget.minBps, share)));
}
