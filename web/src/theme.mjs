// The light and dark themes: the toggle, and the choice saved for the next visit (../theme.js
// applies it before the page is drawn). Without a choice, the page follows the system.

import { $ } from './dom.mjs';

export function createTheme({ saved }) {
  const button = $('theme');
  const system = matchMedia('(prefers-color-scheme: dark)');
  const isDark = () => {
    const t = document.documentElement.dataset.theme;
    return t ? t === 'dark' : system.matches;
  };
  const show = () => button.setAttribute('aria-pressed', String(isDark()));

  button.addEventListener('click', () => {
    const next = isDark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    saved.set('theme', next);
    show();
  });
  system.addEventListener('change', show);
  show();
}
