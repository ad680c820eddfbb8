/* The residents' chat widget: talks to Rasa's socket.io channel.
   Everything shown is added with textContent, so nothing anyone types can run as code. */
(function () {
  "use strict";
  var config = window.FRONTDOOR_CHAT || {};
  var rasaUrl = config.rasaUrl || "http://127.0.0.1:5005";
  var PERSON_MESSAGE = /^(.{1,60}) \(link worker\): ([\s\S]*)$/;
  var JOINED = /^Hello, this is (.{1,60}), a link worker/;
  var LEFT = /has handed you back to the assistant/;
  // The conversation lasts as long as this browser tab: a reload or a dropped signal goes on
  // with the same chat (and a link worker's replies still arrive); closing the tab ends it.
  var SESSION_KEY = "frontdoor-chat-session";

  var list, status, connection, input, form, socket, sessionId;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function add(from, label, text) {
    var item = element("li", "message from-" + from);
    item.appendChild(element("span", "from", label));
    item.appendChild(element("span", "text", text));
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function setPerson(name) {
    if (name) {
      status.textContent = "You are talking to " + name + ", a link worker. This is a real person.";
      status.classList.add("person");
    } else {
      status.textContent = "You are talking to the assistant, a computer program.";
      status.classList.remove("person");
    }
  }

  // The session this tab was given: its id and the key that lets it rejoin after a reload.
  function storedSession() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || "null");
      return stored && stored.session_id && stored.session_key ? stored : null;
    } catch (e) { return null; }
  }

  function storeSession(session) {
    try { window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)); } catch (e) { /* private mode */ }
  }

  function choices(item, buttons) {
    var box = element("div", "choices");
    buttons.forEach(function (button) {
      var choice = element("button", "", button.title);
      choice.type = "button";
      choice.addEventListener("click", function () { send(button.payload || button.title, button.title); });
      box.appendChild(choice);
    });
    item.appendChild(box);
  }

  function groups(item, found) {
    var cards = element("ul", "groups");
    found.forEach(function (group) {
      var card = element("li", "group-card");
      card.appendChild(element("h3", "", group.name || "A group"));
      ["summary", "when", "where", "cost", "contact"].forEach(function (key) {
        if (group[key]) { card.appendChild(element("p", "", group[key])); }
      });
      if (group.why) { card.appendChild(element("p", "why", "Why this one: " + group.why)); }
      cards.appendChild(card);
    });
    item.appendChild(cards);
  }

  // The groups come after the words that introduce them ("Here are 3 groups ..."), as a
  // message of their own: the cards go under those words.
  function cardsGoUnder(last) {
    if (last && last.classList.contains("from-assistant") && last.querySelector(".text")) {
      return last;
    }
    return add("assistant", "Assistant", "Groups you might like:");
  }

  function received(message) {
    if (!message || typeof message !== "object") { return; }
    var text = typeof message.text === "string" ? message.text : "";
    var item = null;
    var person = PERSON_MESSAGE.exec(text);
    if (person) {
      item = add("person", person[1] + " (link worker)", person[2]);
    } else if (text) {
      var joined = JOINED.exec(text);
      if (joined) { setPerson(joined[1]); }
      if (LEFT.test(text)) { setPerson(null); }
      item = add(joined ? "person" : "assistant", joined ? joined[1] + " (link worker)" : "Assistant", text);
    }
    var buttons = message.quick_replies || message.buttons || [];
    if (buttons.length) { choices(item || add("assistant", "Assistant", ""), buttons); }
    var custom = message.custom || (message.type === "groups" ? message : null);
    if (custom && custom.type === "groups" && Array.isArray(custom.groups)) {
      groups(item || cardsGoUnder(list.lastElementChild), custom.groups);
    }
  }

  function send(payload, shown) {
    add("resident", "You", shown);
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
  }

  function connect() {
    // Long polling only: Rasa 3.6's Sanic drops socket.io's websocket upgrade with this engineio.
    socket = window.io(rasaUrl, { path: "/socket.io", transports: ["polling"] });
    socket.on("connect", function () {
      connection.textContent = "Connected.";
      // The server issues sessions; the one this tab had, with its key, carries the chat on.
      socket.emit("session_request", storedSession() || { session_id: null });
    });
    socket.on("session_confirm", function (confirmed) {
      var id = confirmed && confirmed.session_id;
      if (!id || !confirmed.session_key) { return; }
      var had = storedSession();
      if (!sessionId && had && id === had.session_id && !list.children.length) {
        add("assistant", "Assistant", "Welcome back. We can carry on where we left off.");
      }
      sessionId = id;
      storeSession({ session_id: id, session_key: confirmed.session_key });
      document.body.setAttribute("data-session-id", sessionId);
      form.querySelector("button").disabled = false;
    });
    socket.on("bot_uttered", received);
    socket.on("disconnect", function () { connection.textContent = "Connection lost. Trying again..."; });
    socket.on("connect_error", function () {
      connection.textContent = "We cannot reach the chat just now. Please try later or call 01632 960000.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    list = document.getElementById("messages");
    status = document.getElementById("chat-status");
    connection = document.getElementById("chat-connection");
    input = document.getElementById("chat-input");
    form = document.getElementById("chat-form");
    form.querySelector("button").disabled = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || !sessionId) { return; }
      send(text, text);
      input.value = "";
      input.focus();
    });
    if (typeof window.io !== "function") {
      connection.textContent = "The chat could not load. Please call 01632 960000.";
      return;
    }
    connect();
  });
})();
