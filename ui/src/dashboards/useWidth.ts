/** The width of a container element, followed with a ResizeObserver (React hook). */
import { type RefObject, useEffect, useRef, useState } from 'react';

/** A ref to attach to the container and its current width in CSS pixels (0 before layout). */
export function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
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
