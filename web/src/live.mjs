// Live diagnostics: each change of the request is checked before the browser paints again, and
// the rest of the page follows when typing pauses.
//
// Validating takes microseconds (about 10 µs for the seed, 60 µs for a 64 KiB body), so the
// problems list and the editor's marks are brought up to date after every change, in a
// microtask: several changes made in one task (a paste, an undo, the form writing a member) are
// checked once, and the result is in the DOM before the frame that shows the keystroke. When one
// check has taken longer than a slice of a frame (FRAME_BUDGET), the next ones are coalesced to
// the next animation frame instead, so that a burst of changes never makes a long task.
// Everything else a change brings (the form's fields, the snippets) is work the person does not
// watch while typing: it runs once, LATER ms after the last change.

const FRAME_BUDGET = 4; // ms
const LATER = 120; // ms after the last change

/**
 * createLive calls now() after each change (coalesced to the end of the task, or to the next
 * frame when now() has been slow) and later() once changes pause. changed() reports a change;
 * flush() runs both at once (before a send, for instance).
 * @param {{now: () => void, later: () => void}} o
 */
export function createLive({ now, later }) {
  let queued = false;
  let frame = 0;
  let timer = 0;
  let slow = false;

  function check() {
    queued = false;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    const start = performance.now();
    now();
    slow = performance.now() - start > FRAME_BUDGET;
  }

  return {
    changed() {
      if (!queued) {
        queued = true;
        if (slow && typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(check);
        else queueMicrotask(() => queued && check());
      }
      clearTimeout(timer);
      timer = setTimeout(later, LATER);
    },
    flush() {
      clearTimeout(timer);
      if (queued) check();
      later();
    },
  };
}
