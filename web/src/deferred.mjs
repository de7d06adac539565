// Deferred building: what the first validation does not need (the panels below the editor) is
// built once the page is ready and the browser idle, so that the validator is ready sooner; or
// at once when something needs it first: a call of get(), or the person reaching one of its
// panels (a pointer, the focus, a click, an input) before then, which builds it before the
// event reaches the listeners the building adds.

const REACH = ['pointerdown', 'focusin', 'click', 'input', 'change'];

/**
 * idle calls fn when the browser is next idle (within timeout ms), or soon where it cannot
 * tell (no requestIdleCallback).
 */
export function idle(fn, timeout = 1000) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout });
  else setTimeout(fn, 50);
}

/**
 * createDeferred builds, once, what build returns (an object): get() builds it if need be and
 * returns it; built() returns it, or null before it is built. regions are the elements whose
 * panels build makes work.
 * @template {object} T
 * @param {() => T} build
 * @param {Element[]} regions
 * @returns {{get: () => T, built: () => T | null}}
 */
export function createDeferred(build, regions) {
  let result = null;
  function get() {
    if (result === null) {
      for (const r of regions) for (const type of REACH) r.removeEventListener(type, get, true);
      result = build();
    }
    return result;
  }
  for (const r of regions) for (const type of REACH) r.addEventListener(type, get, true);
  return { get, built: () => result };
}
