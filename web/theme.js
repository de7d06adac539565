// Applies the theme before the page is drawn (a classic script, so it blocks; no inline script is
// allowed by the page's Content-Security-Policy): html[data-theme] is always "light" or "dark",
// the one the playground's toggle saved, else the system's, followed as it changes. The
// stylesheet then has one dark palette, for html[data-theme="dark"].
(function () {
  var root = document.documentElement;
  var system = window.matchMedia ? matchMedia('(prefers-color-scheme: dark)') : null;
  function saved() {
    try {
      var t = localStorage.getItem('usedinsight.theme');
      return t === 'dark' || t === 'light' ? t : null;
    } catch (e) {
      return null; // storage unavailable: follow the system
    }
  }
  function apply() {
    root.dataset.theme = saved() || (system && system.matches ? 'dark' : 'light');
  }
  apply();
  if (system && system.addEventListener) system.addEventListener('change', apply);
})();
