// The draft: the request as it stands, saved half a second after each change, so that a reload
// or the next visit starts where the person left off.

import { checkRequest } from './request.mjs';

const SAVE_DELAY = 500; // ms after the last change

/** createDraft saves what request() returns, when told that it changed. */
export function createDraft({ saved, request }) {
  let timer = 0;
  return {
    /** restore returns the saved request, checked like a share link's, or null. */
    restore() {
      try {
        const d = JSON.parse(saved.get('draft') ?? 'null');
        if (d && typeof d.body === 'string') return checkRequest({ method: 'POST', ...d });
      } catch {
        // a broken draft: start afresh
      }
      return null;
    },
    changed() {
      clearTimeout(timer);
      timer = setTimeout(() => saved.set('draft', JSON.stringify(request())), SAVE_DELAY);
    },
  };
}
