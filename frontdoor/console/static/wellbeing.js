/* The wellbeing questions page: the quick exit (the GOV.UK "Exit this page" pattern, as on the
   chat page): the button, or Shift pressed 3 times with no other key between, within 5
   seconds, leaves for a neutral page and takes this one out of the tab's history. */
(function () {
  "use strict";
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;

  function leave(exit) {
    document.body.classList.add("leaving");
    window.location.replace(exit.href);
  }

  function start() {
    var exit = document.getElementById("quick-exit");
    var shifts = [];
    exit.addEventListener("click", function (event) { event.preventDefault(); leave(exit); });
    exit.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); leave(exit); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") { shifts = []; }
    });
    document.addEventListener("keyup", function (event) {
      if (event.key !== "Shift") { return; }
      var now = Date.now();
      shifts = shifts.filter(function (at) { return now - at < SHIFT_WINDOW_MS; });
      shifts.push(now);
      if (shifts.length >= SHIFT_PRESSES) { leave(exit); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
