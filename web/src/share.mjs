// The share link: the request (never the token) in the URL fragment. Opening such a link, or
// changing the fragment of the open page, puts its request in the request bar and editor.

import { $, copyText } from './dom.mjs';
import { shareFragment, readFragment } from './request.mjs';

/** createShare links what request() returns; apply puts a linked request in the page. */
export function createShare({ request, apply }) {
  const out = $('share-link');
  $('share').addEventListener('click', async () => {
    const link = `${location.href.split('#')[0]}${shareFragment(request())}`;
    out.value = link;
    $('share-out').hidden = false;
    const ok = await copyText(link);
    $('share-status').textContent = ok ? 'Copied. The link carries the request, not the token.' : 'Copy the link from the box. It carries the request, not the token.';
    out.select();
  });
  window.addEventListener('hashchange', () => {
    const r = readFragment(location.hash);
    if (r) apply(r);
  });
  return {
    /** linked is the request the page's URL carries, or null. */
    linked: () => readFragment(location.hash),
  };
}
