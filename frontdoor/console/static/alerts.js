/* Alerts on every console page: the header's badge counts the alerts nobody has seen, a new
   alert is announced politely to screen readers and sounds a short tone (which can be muted,
   remembered in this browser). They arrive as server-sent events from /alerts/stream. */
(function () {
  "use strict";
  var MUTED_KEY = "frontdoor-alert-sound-muted";
  var audio = null;

  function muted() {
    try { return window.localStorage.getItem(MUTED_KEY) === "1"; } catch (e) { return false; }
  }

  function setMuted(button, value) {
    try { window.localStorage.setItem(MUTED_KEY, value ? "1" : "0"); } catch (e) { /* private mode */ }
    button.setAttribute("aria-pressed", value ? "true" : "false");
  }

  function tone() {
    // Two short notes, a third of a second in all, quiet: enough to look up, not to startle.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || muted()) { return; }
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") { audio.resume(); }
      [[880, 0], [660, 0.16]].forEach(function (note) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + note[1];
        oscillator.frequency.value = note[0];
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.15);
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.16);
      });
    } catch (e) { /* no sound here: the badge and the announcement still show it */ }
  }

  function showCount(unseen) {
    var count = document.getElementById("alert-count");
    if (!count) { return; }
    count.querySelector(".count-number").textContent = String(unseen);
    count.hidden = unseen === 0;
    document.body.setAttribute("data-unseen-alerts", String(unseen));
  }

  function announce(text) {
    var news = document.getElementById("alert-news");
    news.textContent = "";
    window.setTimeout(function () { news.textContent = text; }, 100); // read even if the same
  }

  function listen() {
    var stream = new EventSource("/alerts/stream");
    stream.addEventListener("count", function (message) {
      showCount(JSON.parse(message.data).unseen);
    });
    stream.addEventListener("alert", function (message) {
      var alert = JSON.parse(message.data);
      showCount(alert.unseen);
      announce("New alert. " + alert.text);
      tone();
    });
    stream.addEventListener("end", function () { stream.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var badge = document.getElementById("alert-badge");
    var button = document.getElementById("alert-sound");
    if (!badge || !button || !window.EventSource) { return; }
    button.hidden = false;
    setMuted(button, muted());
    button.addEventListener("click", function () {
      setMuted(button, !muted());
      if (!muted()) { tone(); } // so a link worker hears what they turned on (and the browser allows sound)
    });
    listen();
  });
})();
