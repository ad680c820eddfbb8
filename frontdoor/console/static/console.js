/* The link worker console: new messages in the conversation appear without a reload.
   Everything from the resident is added with textContent, never as HTML. */
(function () {
  "use strict";
  var WHO = { resident: "Resident", assistant: "Assistant", link_worker: "Link worker", system: "Note" };
  var INTERVAL = 2000;

  function line(message) {
    var item = document.createElement("li");
    item.className = "msg msg-" + (WHO[message.who] ? message.who : "system");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = WHO[message.who] || "Note";
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(who);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(text);
    [["buttons", "Choices: "], ["groups", "Groups: "]].forEach(function (pair) {
      var values = message[pair[0]] || [];
      if (values.length) {
        var extra = document.createElement("span");
        extra.className = "extra";
        extra.textContent = pair[1] + values.join(", ");
        item.appendChild(extra);
      }
    });
    var time = document.createElement("time");
    time.setAttribute("datetime", message.at);
    time.textContent = (message.at || "").slice(11, 16);
    item.appendChild(time);
    return item;
  }

  function poll(list) {
    var url = list.getAttribute("data-poll") + "?after=" + encodeURIComponent(list.getAttribute("data-last"));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var empty = document.getElementById("chat-empty");
        data.messages.forEach(function (message) {
          list.appendChild(line(message));
          list.setAttribute("data-last", String(message.id));
          if (empty) { empty.remove(); empty = null; }
        });
      })
      .catch(function () { /* try again next time */ })
      .then(function () { window.setTimeout(function () { poll(list); }, INTERVAL); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("chat");
    if (list) { window.setTimeout(function () { poll(list); }, INTERVAL); }
  });
})();
