// Code snippets of the current request, one tab a language, each made by the Go core and with
// a copy button. Only the tab shown is written when the request changes, the others when they
// are chosen: for a large body, writing all seven took most of the pause after typing.

import { h, $, copyText } from './dom.mjs';

const labels = {
  curl: 'curl', httpie: 'HTTPie', fetch: 'JavaScript fetch', go: 'Go net/http', powershell: 'PowerShell',
  'go-sdk': 'Go Graph SDK', 'javascript-sdk': 'JavaScript Graph client',
};

/**
 * createSnippets shows snippets of request() (what Send would send), one tab for each language
 * of the core's, from the first render on. core returns the loaded WebAssembly API, or null
 * while it loads.
 */
export function createSnippets({ core, request }) {
  const tabs = $('snippet-tabs');
  const panels = $('snippet-panels');
  const pres = new Map(); // language → its <pre>
  const stale = new Set(); // the languages whose snippet was written for an older request
  let selected = 'curl';

  function select(lang) {
    selected = lang;
    for (const [l] of pres) {
      $(`tab-${l}`).setAttribute('aria-selected', String(l === lang));
      $(`tab-${l}`).tabIndex = l === lang ? 0 : -1;
      $(`snippet-${l}`).hidden = l !== lang;
    }
    if (stale.has(lang)) write(lang);
  }

  // write writes the snippet of one language for the request as it stands.
  function write(lang) {
    const pre = pres.get(lang);
    try {
      pre.textContent = core().snippet(lang, request());
    } catch (e) {
      pre.textContent = `// ${e.message}`;
    }
    stale.delete(lang);
  }

  // build makes a tab for each language the core writes snippets in.
  function build(languages) {
    for (const lang of languages) {
      const label = labels[lang] ?? lang;
      const tab = h('button', {
        type: 'button', role: 'tab', id: `tab-${lang}`, 'aria-controls': `snippet-${lang}`, 'aria-selected': String(lang === selected),
        tabindex: lang === selected ? '0' : '-1', onclick: () => select(lang),
      }, label);
      tab.addEventListener('keydown', (e) => {
        const k = languages.indexOf(lang);
        const next = e.key === 'ArrowRight' ? languages[(k + 1) % languages.length] : e.key === 'ArrowLeft' ? languages[(k + languages.length - 1) % languages.length] : null;
        if (next) {
          e.preventDefault();
          select(next);
          $(`tab-${next}`).focus();
        }
      });
      const pre = h('pre', { class: 'snippet', tabindex: '0', 'aria-label': `${label} snippet` });
      const status = h('span', { class: 'copy-status', role: 'status' });
      const copy = h('button', {
        type: 'button', class: 'small', 'aria-label': `Copy ${label} snippet`,
        onclick: async () => {
          write(lang); // the snippets follow typing when it pauses: copy the request as it is now
          const ok = await copyText(pre.textContent, pre);
          status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.';
          setTimeout(() => {
            status.textContent = '';
          }, 2500);
        },
      }, 'Copy');
      tabs.append(tab);
      pres.set(lang, pre);
      panels.append(h('div', { role: 'tabpanel', id: `snippet-${lang}`, 'aria-labelledby': `tab-${lang}`, hidden: lang !== selected, class: 'snippet-panel' },
        h('div', { class: 'snippet-bar' }, copy, status), pre));
    }
  }

  /**
   * render writes the snippet of the tab shown for the request as it stands, and the others
   * when they are chosen; the first time, it makes the tabs.
   */
  function render() {
    const insight = core();
    if (!insight) return;
    if (pres.size === 0) build(insight.languages);
    for (const lang of pres.keys()) stale.add(lang);
    write(selected);
  }

  return { render };
}
