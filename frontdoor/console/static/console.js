/* The link worker console: the conversation opens at its newest message, new messages appear
   without a reload, and a resident's message that arrives out of view is marked unread until
   it is seen. Everything from the resident is added with textContent, never as HTML. */
(function () {
  "use strict";
  var WHO = { resident: "Resident", assistant: "Assistant", link_worker: "Link worker", system: "Note" };
  var INTERVAL = 2000;
  var NEAR_BOTTOM = 40; // pixels: this close to the end counts as reading the newest message
  var unread = 0;
  var title = document.title;

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function line(message) {
    var item = document.createElement("li");
    item.className = "msg msg-" + (WHO[message.who] ? message.who : "system");
    item.appendChild(span("who", WHO[message.who] || "Note"));
    item.appendChild(document.createTextNode(" "));
    if (message.pressed) {
      item.appendChild(span("pressed", "Pressed the button:"));
      item.appendChild(document.createTextNode(" "));
    }
    item.appendChild(span("text", message.text));
    [["buttons", "Choices: "], ["groups", "Groups: "]].forEach(function (pair) {
      var values = message[pair[0]] || [];
      if (values.length) { item.appendChild(span("extra", pair[1] + values.join(", "))); }
    });
    var time = document.createElement("time");
    time.setAttribute("datetime", message.at);
    time.textContent = message.at_text || "";
    item.appendChild(time);
    return item;
  }

  function atNewest(log) {
    var scrolled = log.scrollHeight - log.scrollTop - log.clientHeight <= NEAR_BOTTOM;
    var box = log.getBoundingClientRect();
    var inView = box.bottom > 0 && box.top < window.innerHeight && !document.hidden;
    return scrolled && inView;
  }

  function showNewest(log) { log.scrollTop = log.scrollHeight; }

  function markUnread(count) {
    unread = count;
    var marker = document.getElementById("chat-unread");
    var button = document.getElementById("chat-unread-button");
    marker.hidden = unread === 0;
    button.textContent = unread === 1 ? "1 new message from the resident: show it"
      : unread + " new messages from the resident: show them";
    document.title = unread ? "(" + unread + " new) " + title : title;
  }

  function seen(log) { if (unread && atNewest(log)) { markUnread(0); } }

  function presence(state) {
    var shown = document.getElementById("chat-presence");
    if (!shown || !state) { return; }
    if (shown.textContent !== state.text) { shown.textContent = state.text; }
    shown.className = "presence presence-" + state.state;
  }

  function add(log, list, messages) {
    var following = atNewest(log);
    var empty = document.getElementById("chat-empty");
    var fromResident = 0;
    messages.forEach(function (message) {
      list.appendChild(line(message));
      list.setAttribute("data-last", String(message.id));
      if (message.who === "resident") { fromResident += 1; }
      if (empty) { empty.remove(); empty = null; }
    });
    if (following) { showNewest(log); } else if (fromResident) { markUnread(unread + fromResident); }
  }

  function poll(log, list) {
    var url = list.getAttribute("data-poll") + "?after=" + encodeURIComponent(list.getAttribute("data-last"));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        presence(data.presence);
        add(log, list, data.messages);
      })
      .catch(function () { /* try again next time */ })
      .then(function () { window.setTimeout(function () { poll(log, list); }, INTERVAL); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var log = document.getElementById("chat-log");
    var list = document.getElementById("chat");
    if (!log || !list) { return; }
    showNewest(log);
    var reply = document.getElementById("reply-text");
    if (reply && window.location.hash === "#conversation") {
      // once loaded: focus given any sooner is lost when the browser goes to #conversation
      window.addEventListener("load", function () { reply.focus({ preventScroll: true }); });
    }
    document.getElementById("chat-unread-button").addEventListener("click", function () {
      showNewest(log);
      log.focus({ preventScroll: true });
      log.scrollIntoView({ block: "nearest" });
      markUnread(0);
    });
    log.addEventListener("scroll", function () { seen(log); });
    window.addEventListener("scroll", function () { seen(log); });
    document.addEventListener("visibilitychange", function () { seen(log); });
    window.setTimeout(function () { poll(log, list); }, INTERVAL);
  });
})();
