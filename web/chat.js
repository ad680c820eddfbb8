/* The residents' chat widget: talks to Rasa's socket.io channel (bot/channels/webchat.py).
   Everything shown is added with textContent, so nothing anyone types can run as code. */
(function () {
  "use strict";
  var config = window.FRONTDOOR_CHAT || {};
  // Embedded in a council's page (web/embed.js): the chat lives in a shadow root of its own and
  // brings its own socket.io, so neither clashes with the page around it.
  var root = config.root || document;
  var io = config.io || window.io;
  var quickExitOn = config.quickExit || window.frontdoorQuickExit;  // web/quick_exit.js
  var rasaUrl = (config.rasaUrl || "http://127.0.0.1:5005").replace(/\/+$/, "");
  var TRANSCRIPT_URL = rasaUrl + "/webhooks/socketio/transcript";
  var PERSON_MESSAGE = /^(.{1,60}) \(link worker\): ([\s\S]*)$/;
  var JOINED = /^Hello, this is (.{1,60}), a link worker/;
  var LEFT = /has handed you back to the assistant/;
  // The conversation lasts as long as this browser tab: a reload or a dropped signal goes on
  // with the same chat (drawn again from the server); closing the tab or "Clear" ends it here.
  var SESSION_KEY = "frontdoor-chat-session";
  // The server says when a turn's messages are all out (bot_turn_end); messages pushed
  // outside a turn (a link worker's) are shown together once this long has passed quietly.
  var QUIET_MS = 1200;
  var PHONE = /^\+\d{7,15}$/;
  var WEB = /^https?:\/\//i;

  var log, status, connection, input, form, sendButton, socket, sessionId;
  var pending = [];
  var quietTimer = null;
  var awaitingReply = false;
  var restored = false;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function motion() {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return reduce ? "instant" : "smooth";
  }

  // ---- The session this tab was given: its id and the key that shows it is ours. ----
  function storedSession() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || "null");
      return stored && stored.session_id && stored.session_key ? stored : null;
    } catch (e) { return null; }
  }

  function storeSession(session) {
    try { window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)); } catch (e) { /* private mode */ }
  }

  function forgetSession() {
    try { window.sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* private mode */ }
  }

  // ---- Drawing: each turn is one list, added to the log at once (one announcement). ----
  function message(turn, from, label, text) {
    var item = element("li", "message from-" + from);
    item.appendChild(element("span", "from", label));
    if (text !== undefined) { item.appendChild(element("span", "text", text)); }
    turn.appendChild(item);
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

  function choices(item, buttons) {
    var box = element("div", "choices");
    buttons.forEach(function (button) {
      var choice = element("button", "", button.title);
      choice.type = "button";
      choice.addEventListener("click", function () {
        if (choice.disabled || !sessionId) { return; }
        choice.classList.add("chosen");
        send(button.payload || button.title, button.title);
      });
      box.appendChild(choice);
    });
    item.appendChild(box);
  }

  function hidden(text) { return element("span", "visually-hidden", text); }

  function link(href, text, more) {
    var anchor = element("a", "card-link", text);
    anchor.href = href;
    if (more) { anchor.appendChild(hidden(more)); }
    return anchor;
  }

  function miles(value) {
    if (typeof value !== "number") { return ""; }
    return value < 1 ? "Less than a mile away" : value.toFixed(1).replace(/\.0$/, "") + " miles away";
  }

  function card(group) {
    var name = group.name || "A group";
    var item = element("li", "group-card");
    item.appendChild(element("h3", "", name));
    ["summary", "when", "where"].forEach(function (key) {
      if (group[key]) { item.appendChild(element("p", "", group[key])); }
    });
    if (miles(group.miles)) { item.appendChild(element("p", "miles", miles(group.miles))); }
    if (group.cost) { item.appendChild(element("p", "", group.cost)); }
    if (group.for_whom) { item.appendChild(element("p", "", "Who it is for: " + group.for_whom)); }
    var links = element("ul", "card-links");
    if (typeof group.phone === "string" && PHONE.test(group.phone)) {
      links.appendChild(element("li")).appendChild(link("tel:" + group.phone, "Call " + (group.contact || group.phone)));
    } else if (group.contact) {
      item.appendChild(element("p", "", group.contact));
    }
    if (typeof group.website === "string" && WEB.test(group.website)) {
      links.appendChild(element("li")).appendChild(link(group.website, "Web page", " of " + name));
    }
    if (typeof group.map === "string" && WEB.test(group.map)) {
      links.appendChild(element("li")).appendChild(link(group.map, "Map", " of where " + name + " meets"));
    }
    if (links.children.length) { item.appendChild(links); }
    if (group.why) { item.appendChild(element("p", "why", "Why this one: " + group.why)); }
    return item;
  }

  function groups(item, found) {
    var cards = element("ul", "groups");
    found.forEach(function (group) { cards.appendChild(card(group || {})); });
    item.appendChild(cards);
  }

  // The groups come after the words that introduce them ("Here are 3 groups ..."): the cards
  // go under those words.
  function cardsGoUnder(turn) {
    var last = turn.lastElementChild;
    if (last && last.classList.contains("from-assistant") && last.querySelector(".text")) {
      return last;
    }
    return message(turn, "assistant", "Assistant", "Groups you might like:");
  }

  function draw(turn, said) {
    if (!said || typeof said !== "object") { return; }
    var text = typeof said.text === "string" ? said.text : "";
    var item = null;
    var person = PERSON_MESSAGE.exec(text);
    if (person) {
      item = message(turn, "person", person[1] + " (link worker)", person[2]);
    } else if (text) {
      var joined = JOINED.exec(text);
      if (joined) { setPerson(joined[1]); }
      if (LEFT.test(text)) { setPerson(null); }
      item = message(turn, joined ? "person" : "assistant", joined ? joined[1] + " (link worker)" : "Assistant", text);
    }
    var buttons = said.quick_replies || said.buttons || [];
    if (buttons.length) { choices(item || message(turn, "assistant", "Assistant"), buttons); }
    var custom = said.custom || (said.type === "groups" ? said : null);
    if (custom && custom.type === "groups" && Array.isArray(custom.groups)) {
      groups(item || cardsGoUnder(turn), custom.groups);
    }
  }

  function newTurn(sender) { return element("ol", "turn turn-" + sender); }

  function disableChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (button) {
      button.disabled = true;
    });
  }

  // The new turn in view, above the sticky message box: its end if it fits, else its start.
  function bringIntoView(turn) {
    var room = window.innerHeight - (form.getBoundingClientRect().height || 0);
    turn.scrollIntoView({ block: turn.offsetHeight < room ? "end" : "start", behavior: motion() });
  }

  function show(turn) {
    disableChoices();
    log.appendChild(turn);
    bringIntoView(turn);
  }

  // What the assistant says arrives a message at a time; the turn is shown when it is whole.
  function flush() {
    window.clearTimeout(quietTimer);
    if (!pending.length) { return; }
    var turn = newTurn("assistant");
    pending.forEach(function (said) { draw(turn, said); });
    pending = [];
    if (!turn.children.length) { return; }
    show(turn);
    if (awaitingReply) {
      awaitingReply = false;
      input.focus({ preventScroll: true });
    }
  }

  function received(said) {
    pending.push(said);
    window.clearTimeout(quietTimer);
    quietTimer = window.setTimeout(flush, QUIET_MS);
  }

  function send(payload, shown) {
    var turn = newTurn("resident");
    message(turn, "resident", "You", shown);
    show(turn);
    awaitingReply = true;
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
    input.focus({ preventScroll: true });
  }

  // ---- A reload or reconnect: the chat so far, drawn again without announcing it. ----
  function quietly(change) {
    log.setAttribute("aria-live", "off");
    change();
    window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 300);
  }

  // The choice the resident's words were, among those last offered, shown as chosen.
  function markChosen(text) {
    var offered = log.lastElementChild ? log.lastElementChild.querySelectorAll(".choices button") : [];
    Array.prototype.forEach.call(offered, function (button) {
      if (button.textContent === text) { button.classList.add("chosen"); }
    });
  }

  function drawTranscript(transcript) {
    quietly(function () {
      log.textContent = "";
      transcript.turns.forEach(function (saved) {
        var turn = newTurn(saved.sender === "resident" ? "resident" : "assistant");
        saved.messages.forEach(function (said) {
          if (saved.sender === "resident") {
            message(turn, "resident", "You", said.text);
            markChosen(said.text);
          } else {
            draw(turn, said);
          }
        });
        if (turn.children.length) { disableChoices(); log.appendChild(turn); }
      });
      setPerson(transcript.link_worker);
      if (!restored) {
        log.appendChild(element("p", "note", "Welcome back. We can carry on where we left off."));
      }
      restored = true;
    });
    if (log.lastElementChild) { log.lastElementChild.scrollIntoView({ block: "end", behavior: "instant" }); }
  }

  function restore(session) {
    window.fetch(TRANSCRIPT_URL, {
      method: "POST",
      // text/plain: a simple cross-origin request, with no preflight; the body is JSON.
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify(session),
      cache: "no-store"
    }).then(function (answer) {
      return answer.ok ? answer.json() : null;
    }).then(function (transcript) {
      if (transcript && Array.isArray(transcript.turns) && transcript.turns.length) {
        drawTranscript(transcript);
      } else if (transcript && !log.children.length) {
        welcome();
      }
    }).catch(function () { /* the chat goes on; what was said before is not shown */ });
  }

  // A new chat opens with the assistant's own welcome and its choices (the channel has the
  // assistant greet; the page shows no words of the resident's for it).
  function welcome() {
    socket.emit("welcome_request", { session_id: sessionId });
  }

  function confirmed(session) {
    var id = session && session.session_id;
    if (!id || !session.session_key) { return; }
    var had = storedSession();
    sessionId = id;
    storeSession({ session_id: id, session_key: session.session_key });
    document.body.setAttribute("data-session-id", sessionId);
    sendButton.disabled = false;
    if (had && had.session_id === id) {
      restore({ session_id: id, session_key: session.session_key });
    } else {
      log.textContent = "";
      setPerson(null);
      welcome();
    }
  }

  function connect() {
    // A websocket from the start, never long polling: each poll could reach a different Rasa
    // replica behind the round-robin proxy, which would not know the session.
    socket = io(rasaUrl, { path: "/socket.io", transports: ["websocket"] });
    socket.on("connect", function () {
      connection.textContent = "Connected.";
      // The server issues sessions; the one this tab had, with its key, carries the chat on.
      socket.emit("session_request", storedSession() || { session_id: null });
    });
    socket.on("session_confirm", confirmed);
    socket.on("bot_uttered", received);
    socket.on("bot_turn_end", flush);
    socket.on("disconnect", function (reason) {
      if (reason !== "io client disconnect") { connection.textContent = "Connection lost. Trying again..."; }
    });
    socket.on("connect_error", function () {
      connection.textContent = "We cannot reach the chat just now. Please try later or call 01632 960000.";
    });
  }

  // ---- "Clear this chat": for a shared computer. The chat is gone from this tab. ----
  function clearChat() {
    forgetSession();
    sessionId = null;
    pending = [];
    awaitingReply = false;
    document.body.removeAttribute("data-session-id");
    sendButton.disabled = true;
    quietly(function () { log.textContent = ""; });
    setPerson(null);
    input.value = "";
    input.focus();
    if (socket) { socket.disconnect(); socket.connect(); }
  }

  // ---- Quick exit (web/quick_exit.js): the chat forgets its session on the way out. ----
  function beforeLeaving() {
    forgetSession();
    if (root !== document) { document.body.style.visibility = "hidden"; }
    try { if (socket) { socket.disconnect(); } } catch (e) { /* leaving anyway */ }
  }

  function quickExit() {
    quickExitOn(root.getElementById("quick-exit"), beforeLeaving);
  }

  // The sticky bars never hide what has focus (WCAG 2.4.11): the page scrolls clear of them.
  function keepFocusClear() {
    var top = root.querySelector(".quick-exit");
    function sticky(node) { return window.getComputedStyle(node).position === "sticky" ? node.offsetHeight : 0; }
    function measure() {
      var holder = (root === document ? document.documentElement : root.host).style;
      holder.setProperty("--sticky-top", sticky(top) + "px");
      holder.setProperty("--sticky-bottom", sticky(form) + "px");
    }
    measure();
    window.addEventListener("resize", measure);
    if (window.ResizeObserver) { new window.ResizeObserver(measure).observe(form); }
  }

  function start() {
    quickExit();
    log = root.getElementById("messages");
    status = root.getElementById("chat-status");
    connection = root.getElementById("chat-connection");
    input = root.getElementById("chat-input");
    form = root.getElementById("chat-form");
    sendButton = form.querySelector("button");
    sendButton.disabled = true;
    keepFocusClear();
    var skip = root.querySelector(".skip-link");
    if (skip) {
      skip.addEventListener("click", function (event) {
        event.preventDefault();
        input.focus();
      });
    }
    root.getElementById("chat-clear").addEventListener("click", clearChat);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || !sessionId) { return; }
      send(text, text);
      input.value = "";
    });
    if (typeof io !== "function") {
      connection.textContent = "The chat could not load. Please call 01632 960000.";
      return;
    }
    connect();
  }

  // The page loads chat.js with defer; the embed adds it once the host page may be loaded.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
