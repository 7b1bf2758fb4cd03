/**
 * Audio and video for the meeting room: a peer-to-peer mesh between the admitted members (see
 * docs/media.md for the API the room UI uses and the limits of a mesh).
 */

export { VIDEO_BUDGET, videoBitrate } from "./bitrate";
export { CameraFeed } from "./camera";
export { type CheckState, MediaCheck, NO_CHECK, meterLevel } from "./check";
export { audioConstraints, sortDevices, videoConstraints } from "./devices";
export { browserEnvironment } from "./environment";
export { IceCache, rtcConfiguration } from "./ice";
export { PeerMesh } from "./mesh";
export { PeerLink } from "./peer";
export { QualityMonitor, classifyQuality, ownQuality } from "./quality";
export { type ExitHooks, type MediaConnection, bindRoom, roomSignalling } from "./room-link";
export { MediaSession, type MediaSessionOptions } from "./session";
export { SpeakingTracker } from "./speaking";
export type * from "./types";
