/** The width of a container element, followed with a ResizeObserver (React hook). */
import { type RefObject, useLayoutEffect, useRef, useState } from 'react';

/** A ref to attach to the container and its current width in CSS pixels (0 before layout). */
export function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // Measured before paint, so the panels' queries go out with the first painted frame.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.clientWidth !== width) setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => {
      setWidth(el.clientWidth);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
    };
  });
  return [ref, width];
}
