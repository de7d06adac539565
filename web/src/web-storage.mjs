// Web storage (localStorage, sessionStorage) under the page's "usedinsight." prefix. The page
// works without it: when the browser refuses storage, or it is full, nothing is remembered.

/**
 * webStorage reads and writes one storage area; writing null or undefined removes the key.
 * @param {'localStorage' | 'sessionStorage'} area
 */
export function webStorage(area) {
  const key = (name) => `usedinsight.${name}`;
  return {
    /** @returns {string | null} */
    get(name) {
      try {
        return globalThis[area].getItem(key(name));
      } catch {
        return null;
      }
    },
    /** @param {string | null | undefined} value */
    set(name, value) {
      try {
        if (value == null) globalThis[area].removeItem(key(name));
        else globalThis[area].setItem(key(name), value);
      } catch {
        // storage full or unavailable: the page works without it
      }
    },
  };
}
