/* The quick exit on every page a resident sees (the GOV.UK "Exit this page" pattern): the
   button, or Shift pressed 3 times with no other key between, within 5 seconds, leaves for a
   neutral site and takes the page out of the tab's history. The chat page, the chat embedded
   on a council's page (web/embed.js lends it, as it does socket.io) and the wellbeing page
   (frontdoor/console/static/wellbeing.js) all use this one. */
window.frontdoorQuickExit = function (exit, beforeLeaving) {
  "use strict";
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var shifts = [];

  function leave() {
    if (beforeLeaving) { beforeLeaving(); }
    document.body.classList.add("leaving");
    window.location.replace(exit.href);
  }

  exit.addEventListener("click", function (event) { event.preventDefault(); leave(); });
  exit.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); leave(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { shifts = []; }
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var now = Date.now();
    shifts = shifts.filter(function (at) { return now - at < SHIFT_WINDOW_MS; });
    shifts.push(now);
    if (shifts.length >= SHIFT_PRESSES) { leave(); }
  });
};
