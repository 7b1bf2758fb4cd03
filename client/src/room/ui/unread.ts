/**
 * What arrived while its panel was closed: chat messages and private lines from others. The
 * room component owns the count (`useUnreadState`); the toolbar and the top of the room read it.
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

export function useUnreadState(model: RoomModel): Unread {
  const [seen, setSeen] = useState({ chat: 0, private: 0 });
  const chatCount = model.chat.length;
  const privateCount = model.privateLines.filter(
    (line) => line.from.user_id !== model.me.userId,
  ).length;
  const chatOpen = model.panel === "chat";
  const privateOpen = model.panel === "private";
  useEffect(() => {
    setSeen((current) => ({
      chat: chatOpen ? chatCount : Math.min(current.chat, chatCount),
      private: privateOpen ? privateCount : Math.min(current.private, privateCount),
    }));
  }, [chatOpen, privateOpen, chatCount, privateCount]);
  return {
    chat: chatOpen ? 0 : Math.max(0, chatCount - seen.chat),
    private: privateOpen ? 0 : Math.max(0, privateCount - seen.private),
  };
}
