/** The room's wire protocol, free of any DOM code (see docs/protocol.md). */

export * from "./ack";
export * from "./emit";
export * from "./events";
