// Live diagnostics: each change of the request is checked before the browser paints again, and
// the rest of the page follows when typing pauses.
//
// Validating takes microseconds (about 10 µs for the seed, 60 µs for a 64 KiB body), so a
// change of the text is checked within the change itself (inline): the editor's marks come in
// the same update of the view as the keystroke, and the problems list follows at once. Other
// changes (the collection, the module becoming ready) are checked in a microtask, once for all
// those of one task. When one check has taken longer than a slice of a frame (FRAME_BUDGET),
// changes are no longer checked inline: the next check waits for the next animation frame,
// which takes all the changes before it, so that a burst of changes never makes a long task.
// Everything else a change brings (the form's fields, the snippets) is work the person does not
// watch while typing: it runs once, LATER ms after the last change.

const FRAME_BUDGET = 4; // ms
const LATER = 120; // ms after the last change

/**
 * createLive calls now() after each change that was not checked inline (coalesced to the end
 * of the task, or to the next frame when checks have been slow) and later() once changes pause.
 * inline(check) runs an inline check and returns its result, or returns null when checks are
 * slow; changed(checked) reports a change, checked inline or not; flush() runs now() if a check
 * is due and later(), at once (before a send, for instance).
 * @param {{now: () => void, later: () => void}} o
 */
export function createLive({ now, later }) {
  let queued = false;
  let frame = 0;
  let timer = 0;
  let slow = false;

  // timed runs a check and notes whether it was slow.
  function timed(check) {
    const start = performance.now();
    try {
      return check();
    } finally {
      slow = performance.now() - start > FRAME_BUDGET;
    }
  }

  function run() {
    queued = false;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    timed(now);
  }

  return {
    inline: (check) => (slow ? null : timed(check)),
    changed(checked = false) {
      if (!checked && !queued) {
        queued = true;
        if (slow && typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(run);
        else queueMicrotask(() => queued && run());
      }
      clearTimeout(timer);
      timer = setTimeout(later, LATER);
    },
    flush() {
      clearTimeout(timer);
      if (queued) run();
      later();
    },
  };
}
