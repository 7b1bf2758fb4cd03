/**
 * What arrived while its panel was closed: chat messages and private lines from others. The
 * room component owns the count (`useUnreadState`); the toolbar and the top of the room read it.
 *
 * Counted by message id, not by length: the model keeps only the latest messages and drops
 * deleted ones, so a length can stand still or shrink while something new is unread.
 */

import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { RoomModel } from "../model";

export interface Unread {
  chat: number;
  private: number;
}

export const UnreadContext = createContext<Unread>({ chat: 0, private: 0 });

export function useUnread(): Unread {
  return useContext(UnreadContext);
}

interface Seen {
  chat: ReadonlySet<string>;
  private: ReadonlySet<string>;
}

/** How many of `ids` were not seen. */
function unseen(ids: readonly string[], seen: ReadonlySet<string>): number {
  return ids.filter((id) => !seen.has(id)).length;
}

export function useUnreadState(model: RoomModel): Unread {
  const chatIds = model.chat.map((message) => message.id);
  const privateIds = model.privateLines
    .filter((line) => line.from.user_id !== model.me.userId)
    .map((line) => line.id);
  const chatOpen = model.panel === "chat";
  const privateOpen = model.panel === "private";
  const [seen, setSeen] = useState<Seen>(() => ({ chat: new Set(), private: new Set() }));
  const chatKey = chatIds.join(" ");
  const privateKey = privateIds.join(" ");
  useEffect(() => {
    setSeen((current) => ({
      chat: new Set(chatOpen ? chatIds : chatIds.filter((id) => current.chat.has(id))),
      private: new Set(
        privateOpen ? privateIds : privateIds.filter((id) => current.private.has(id)),
      ),
    }));
    // The keys stand for the id lists.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chatOpen, privateOpen, chatKey, privateKey]);
  return {
    chat: chatOpen ? 0 : unseen(chatIds, seen.chat),
    private: privateOpen ? 0 : unseen(privateIds, seen.private),
  };
}
