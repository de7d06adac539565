// The access token: pasted, or asked from the endpoint's /dev/token when it offers one. It is
// kept for the tab only (sessionStorage) and never put in a share link; its claims are read
// for display, never verified here.

import { $, displayText } from './dom.mjs';
import { claims } from './request.mjs';

/**
 * createToken fills the token field from the tab's storage. onChange is called whenever the
 * token changes; onDevToken when "Get dev token" got one.
 */
export function createToken({ endpoint, savedForTab, onChange, onDevToken }) {
  const input = $('token');
  const status = $('token-status');
  input.value = savedForTab.get('token') ?? '';

  /** value is the token as pasted or got, trimmed; '' for none. */
  const value = () => input.value.trim();

  function changed() {
    const token = value();
    savedForTab.set('token', token || null);
    const c = token ? claims(token) : null;
    if (!token) {
      status.textContent = 'No token: requests will be answered 401.';
    } else if (!c) {
      status.textContent = 'The token is not a JWT the page can read; it is sent as it is.';
    } else {
      const who = displayText(c.upn ?? c.preferred_username ?? c.oid ?? c.sub ?? '?');
      const perms = c.scp != null ? `delegated, ${displayText(c.scp)}` : c.roles != null ? `application, ${displayText(c.roles)}` : 'no permissions';
      const exp = typeof c.exp === 'number' ? new Date(c.exp * 1000) : null;
      status.textContent = `Token for ${who} (${perms})${exp ? `, ${exp < new Date() ? 'expired' : 'valid until'} ${exp.toLocaleTimeString()}` : ''}.`;
    }
    onChange();
  }

  // devToken asks the endpoint for a dev token; quiet says nothing while it asks.
  async function devToken({ quiet = false } = {}) {
    if (!quiet) status.textContent = 'Asking for a dev token…';
    try {
      const res = await endpoint.fetch(`${endpoint.base()}/dev/token`, { method: 'POST', cache: 'no-store', credentials: 'omit' });
      if (!res.ok) {
        await res.body?.cancel();
        status.textContent = res.status === 404
          ? 'This endpoint gives no dev tokens (DEV_TOKENS is off): paste a bearer token.'
          : `POST /dev/token answered ${res.status}: paste a bearer token.`;
        return false;
      }
      const { access_token: token } = await res.json();
      if (typeof token !== 'string') throw new Error('no access_token in the answer');
      input.value = token;
      changed();
      return true;
    } catch (e) {
      status.textContent = quiet ? 'Paste a bearer token, or start the server with `make dev` and get a dev token.' : `No dev token: ${e.message}`;
      return false;
    }
  }

  input.addEventListener('input', changed);
  $('devtoken').addEventListener('click', async () => {
    if (await devToken()) onDevToken();
  });

  return {
    value,
    /**
     * restore uses a token kept from earlier in this tab until it expires; then, or without
     * one, it asks the endpoint for a dev token (when it offers them). True when there is one.
     */
    async restore() {
      const kept = claims(value());
      if (!value() || typeof kept?.exp === 'number' && kept.exp * 1000 < Date.now()) {
        await devToken({ quiet: true });
      } else {
        changed();
      }
      return Boolean(value());
    },
  };
}
