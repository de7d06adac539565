// The light and dark themes: the toggle, and the choice saved for the next visit. ../theme.js
// sets html[data-theme] before the page is drawn: the saved choice, else the system's.

import { $ } from './dom.mjs';

export function createTheme({ saved }) {
  const button = $('theme');
  const system = matchMedia('(prefers-color-scheme: dark)');
  const isDark = () => document.documentElement.dataset.theme === 'dark';
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
