// Applies the chosen theme before the page is drawn (a classic script, so it blocks; no inline
// script is allowed by the page's Content-Security-Policy). The playground's toggle stores it.
(function () {
  try {
    var t = localStorage.getItem('usedinsight.theme');
    if (t === 'dark' || t === 'light') document.documentElement.dataset.theme = t;
  } catch (e) { /* storage unavailable: follow the system */ }
})();
