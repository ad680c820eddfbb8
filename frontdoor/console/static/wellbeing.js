/* The wellbeing questions page: the residents' quick exit (web/quick_exit.js, loaded first). */
(function () {
  "use strict";

  function start() {
    window.frontdoorQuickExit(document.getElementById("quick-exit"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
