/**
 * A part of the room with its heading. When the control that had focus disappears (a button
 * replaced after it did its work: "Admit", "I'm done", "Delete"), focus goes to the part's
 * heading instead of being lost to the page.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function useFocusRescue(
  container: { current: HTMLElement | null },
  target: { current: HTMLElement | null },
): void {
  const hadFocus = useRef(false);
  useEffect(() => {
    const element = container.current;
    if (!element) {
      return undefined;
    }
    const focusIn = (): void => {
      hadFocus.current = true;
    };
    const focusOut = (event: FocusEvent): void => {
      const next = event.relatedTarget;
      if (next instanceof Node) {
        hadFocus.current = element.contains(next);
        return;
      }
      // Focus went nowhere: the person clicked outside (the control is still there), or the
      // control was removed (then keep the right to rescue).
      const left = event.target;
      queueMicrotask(() => {
        if (left instanceof Node && left.isConnected) {
          hadFocus.current = false;
        }
      });
    };
    element.addEventListener("focusin", focusIn);
    element.addEventListener("focusout", focusOut);
    return () => {
      element.removeEventListener("focusin", focusIn);
      element.removeEventListener("focusout", focusOut);
    };
  }, [container]);
  useEffect(() => {
    const doc = container.current?.ownerDocument;
    if (hadFocus.current && doc && (doc.activeElement === null || doc.activeElement === doc.body)) {
      target.current?.focus();
    }
  });
}

export interface SectionProps {
  id: string;
  heading: ComponentChildren;
  class?: string;
  /** The heading's level: 2 in the room, 3 inside the facilitator tools. */
  level?: 2 | 3;
  children: ComponentChildren;
}

export function Section(props: SectionProps) {
  const container = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusRescue(container, heading);
  const headingId = `${props.id}-heading`;
  const Heading = props.level === 3 ? "h3" : "h2";
  return (
    <section ref={container} id={props.id} class={props.class} aria-labelledby={headingId}>
      <Heading ref={heading} id={headingId} tabIndex={-1}>
        {props.heading}
      </Heading>
      {props.children}
    </section>
  );
}
