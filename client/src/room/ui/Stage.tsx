/**
 * The stage: everyone's picture, as large as the window allows. A gallery that grows and shrinks
 * with the people here, or a speaker view with one person large — whoever has the floor (or
 * whose turn it is), or whom this person pinned — and the others in a strip. Each tile shows
 * the name, the role, the microphone (on, off, muted), a "speaking" mark, who has the floor,
 * the connection when it is weak, and initials on a calm colour when the camera is off.
 *
 * Video elements are always muted: the session plays the sound itself (../media.ts), silenced
 * for anyone who may not speak now.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import type { RoomPerson } from "../../protocol/events";
import type { ConnectionQuality, MediaView } from "../media";
import { useMediaView, useModel, useRoom } from "./context";
import { bestGrid, featuredPerson, initialsOf, shownView, useLayout } from "./layout";
import { AttentionMark, useAttention } from "./Attention";
import { Icon } from "./icons";
import { RoleBadge } from "./RoleBadge";
import { tr } from "./text";

/** A camera picture: always muted (sound plays in the session, through its gate). */
function Video({ stream, label, mine }: { stream: MediaStream; label: string; mine: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  const tracks = stream.getVideoTracks().length;
  useEffect(() => {
    const video = ref.current;
    if (video) {
      video.muted = true;
      video.srcObject = stream;
    }
  }, [stream, tracks]);
  useEffect(
    () => () => {
      if (ref.current) {
        ref.current.srcObject = null;
      }
    },
    [],
  );
  return (
    <video
      ref={ref}
      class={mine ? "tile-video is-mine" : "tile-video"}
      aria-label={label}
      muted
      autoplay
      playsInline
      disablePictureInPicture
    />
  );
}

const QUALITY_KEYS = { good: "qualityGood", fair: "qualityFair", poor: "qualityPoor" } as const;

function QualityMark({ quality }: { quality: ConnectionQuality | undefined }) {
  if (!quality || quality === "good") {
    return null;
  }
  return (
    <span class={`tile-quality is-${quality}`} data-testid="tile-quality">
      <span class="quality-bars" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      {tr(QUALITY_KEYS[quality])}
    </span>
  );
}

interface TileProps {
  who: RoomPerson;
  mine: boolean;
  view: MediaView | null;
  hasFloor: boolean;
  featured: boolean;
  /** The gallery's tile width in pixels (none: the stylesheet decides). */
  width?: number;
}

function Tile({ who, mine, view, hasFloor, featured, width }: TileProps) {
  const layout = useLayout();
  const local = view?.local;
  const micOn = mine && local ? local.mic : who.mic;
  const muted = !micOn && who.muted;
  const speaking = view?.speaking.has(who.user_id) ?? false;
  const remote = view?.remote.get(who.user_id);
  const stream = mine
    ? local?.camera
      ? (view?.preview ?? null)
      : null
    : who.camera && local && !local.audioOnly && remote && remote.getVideoTracks().length > 0
      ? remote
      : null;
  const pinned = layout.pinned === who.user_id;
  const calling = useAttention(who.user_id) !== null;
  const classes = [
    "tile",
    calling ? "has-attention" : "",
    featured ? "is-featured" : "",
    speaking ? "is-speaking" : "",
    hasFloor ? "has-floor" : "",
    who.connected ? "" : "is-disconnected",
    stream ? "has-video" : "",
  ].filter(Boolean);
  const hue = (who.user_id * 47) % 360;
  return (
    <li
      class={classes.join(" ")}
      data-user-id={who.user_id}
      style={width ? { width: `${width}px` } : undefined}
    >
      <div class="tile-picture" style={{ "--tile-hue": String(hue) }}>
        {stream ? (
          <Video
            stream={stream}
            mine={mine}
            label={mine ? tr("tileYourCamera") : tr("tileCameraOf", { name: who.name })}
          />
        ) : (
          <span class="tile-initial" aria-hidden="true">
            {initialsOf(who.name)}
          </span>
        )}
        {hasFloor && <span class="tile-floor badge">{tr("tileHasFloor")}</span>}
        <button
          type="button"
          class={pinned ? "tile-pin is-pinned" : "tile-pin"}
          aria-pressed={pinned}
          aria-label={tr("pinName", { name: who.name })}
          onClick={() => layout.set({ pinned: pinned ? null : who.user_id })}
        >
          <Icon name="pin" />
        </button>
      </div>
      <div class="tile-caption">
        <span class="tile-name">
          <bdi>{who.name}</bdi>
          <RoleBadge userId={who.user_id} />
          {mine && <span class="tile-you"> {tr("youSuffix")}</span>}
        </span>
        <span class="tile-states">
          <span class={micOn ? "tile-mic is-on" : "tile-mic"} data-testid="tile-mic">
            <span class={`media-icon media-icon-mic${micOn ? "" : " is-off"}`} aria-hidden="true" />
            <span class="tile-mic-text">
              {micOn ? tr("tileMicOn") : muted ? tr("tileMuted") : tr("tileMicOff")}
            </span>
          </span>
          {speaking && <span class="badge badge-ok tile-speaking">{tr("tileSpeaking")}</span>}
          {!who.connected && <span class="badge badge-warn">{tr("tileReconnecting")}</span>}
          {!mine && <QualityMark quality={view?.quality.get(who.user_id)} />}
        </span>
      </div>
      {!mine && <AttentionMark userId={who.user_id} />}
    </li>
  );
}

/** The stage's own size, followed as the window and the panels change. */
function useBoxSize(ref: { current: HTMLElement | null }): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver !== "function") {
      return undefined;
    }
    const observer = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      if (box) {
        setSize({ width: Math.floor(box.width), height: Math.floor(box.height) });
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

function FullScreenButton({ target }: { target: { current: HTMLElement | null } }) {
  const [full, setFull] = useState(false);
  useEffect(() => {
    const doc = target.current?.ownerDocument;
    if (!doc) {
      return undefined;
    }
    const follow = (): void => setFull(doc.fullscreenElement !== null);
    doc.addEventListener("fullscreenchange", follow);
    return () => doc.removeEventListener("fullscreenchange", follow);
  }, [target]);
  const element = target.current;
  if (element && typeof element.requestFullscreen !== "function") {
    return null;
  }
  return (
    <button
      type="button"
      class="button secondary small stage-fullscreen"
      aria-pressed={full}
      onClick={() => {
        const doc = target.current?.ownerDocument;
        if (doc?.fullscreenElement) {
          void doc.exitFullscreen().catch(() => undefined);
        } else {
          void target.current?.requestFullscreen().catch(() => undefined);
        }
      }}
    >
      {tr("fullScreen")}
    </button>
  );
}

function StageTiles({ view }: { view: MediaView | null }) {
  const model = useModel();
  const layout = useLayout();
  const stage = useRef<HTMLElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const size = useBoxSize(box);
  const room = model.room;
  const me = model.me.userId;
  const people = room?.people ?? [];
  // Myself first, then everyone in the room's order.
  const ordered = [
    ...people.filter((p) => p.user_id === me && !layout.hideSelf),
    ...people.filter((p) => p.user_id !== me),
  ];
  const featured = featuredPerson(room, layout.pinned);
  const shown = ordered.find((p) => p.user_id === featured);
  // Nobody large whose tile is not shown (my own, hidden): then the gallery.
  const mode = shownView(layout.view, shown ? featured : null);
  const large = mode === "speaker" ? shown : undefined;
  const rest = large ? ordered.filter((p) => p !== large) : ordered;
  const grid = bestGrid(rest.length, size.width, size.height);
  const floorHolder = room?.floor?.user_id ?? null;
  const tile = (who: RoomPerson, isLarge: boolean, width?: number) => (
    <Tile
      key={who.user_id}
      who={who}
      mine={who.user_id === me}
      view={view}
      hasFloor={floorHolder === who.user_id}
      featured={isLarge}
      {...(width ? { width } : {})}
    />
  );
  return (
    <section
      ref={stage}
      id="stage"
      class={`stage stage-${mode}`}
      aria-labelledby="stage-heading"
      data-view={mode}
    >
      <div class="stage-bar">
        <h2 id="stage-heading" class="visually-hidden">
          {tr("stageHeading")}
        </h2>
        <FullScreenButton target={stage} />
      </div>
      {large && (
        <ul class="stage-featured" aria-label={tr("featuredLabel")}>
          {tile(large, true)}
        </ul>
      )}
      <div ref={box} class={large ? "stage-strip-box" : "stage-grid-box"}>
        <ul
          class={large ? "tiles stage-strip" : "tiles stage-grid"}
          aria-label={tr("tilesLabel")}
          style={large ? undefined : { gridTemplateColumns: `repeat(${grid.columns}, auto)` }}
        >
          {rest.map((who) => tile(who, false, large ? undefined : grid.tileWidth || undefined))}
        </ul>
      </div>
    </section>
  );
}

function MediaStage({ media }: { media: NonNullable<ReturnType<typeof useRoom>["media"]> }) {
  const view = useMediaView(media);
  return <StageTiles view={view.status === "open" ? view : null} />;
}

export function Stage() {
  const { media } = useRoom();
  return media ? <MediaStage media={media} /> : <StageTiles view={null} />;
}
