/* The residents' chat on any page of a council's site, with one line:

     <script src="https://console.example.org/chat/embed.js" async></script>

   Served by the console app at /chat/embed.js (frontdoor/console/chat_embed.py puts the chat
   page's own markup and the Rasa server's address in front of this file). Data attributes on
   the script tag, all optional:
     data-rasa-url   where the Rasa server is (default: the console's PUBLIC_RASA_URL)
     data-exit-url   where "Leave this page" goes (default: BBC Weather)
     data-title      the chat's heading (default: "Chat with us")
     data-colour     the chat's main colour as #rrggbb; used only if white text on it, and it on
                     light grey, meet WCAG AA contrast (4.5:1)
     data-target     the id of the element to put the chat in (default: where the tag is)
   The chat is drawn in a shadow root with its own CSS, and its own socket.io, so the page's
   styles do not reach it, nor its styles or scripts the page. */
(function () {
  "use strict";
  var defaults = window.FRONTDOOR_CHAT_EMBED || {};
  var script = document.currentScript || document.querySelector('script[src*="/chat/embed.js"]');
  var WEB = /^https?:\/\//i;
  var HEX = /^#[0-9a-f]{6}$/i;
  var LIGHT_GREY = [243, 242, 241];  // behind the assistant's messages (chat.css)
  var AA = 4.5;

  function option(name) {
    var value = script && script.getAttribute("data-" + name);
    return value ? value.trim() : "";
  }

  // ---- data-colour: only a colour that keeps the chat's contrast AA. ----
  function luminance(rgb) {
    var linear = rgb.map(function (channel) {
      var c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function readableColour(value) {
    if (!HEX.test(value)) { return null; }
    var rgb = [1, 3, 5].map(function (at) { return parseInt(value.slice(at, at + 2), 16); });
    return contrast(rgb, [255, 255, 255]) >= AA && contrast(rgb, LIGHT_GREY) >= AA ? value : null;
  }

  // ---- The chat, in a shadow root of its own. ----
  function build(base) {
    var host = document.createElement("div");
    host.className = "frontdoor-chat";
    var shadow = host.attachShadow({ mode: "open" });
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = base + "chat.css";
    var chat = document.createElement("div");
    chat.className = "chat-embed";
    chat.style.visibility = "hidden";  // until its CSS is in
    sheet.onload = sheet.onerror = function () { chat.style.visibility = ""; };
    // The chat page's own markup, from the console that served this script: nothing typed.
    chat.innerHTML = (defaults.quickExit || "") + (defaults.chat || "");
    shadow.appendChild(sheet);
    shadow.appendChild(chat);
    configure(host, shadow);
    return host;
  }

  function configure(host, shadow) {
    var title = option("title");
    if (title) { shadow.getElementById("chat-title").textContent = title; }
    var exit = option("exit-url");
    if (WEB.test(exit)) { shadow.getElementById("quick-exit").href = exit; }
    var colour = option("colour");
    if (readableColour(colour)) {
      host.style.setProperty("--chat-colour", colour);
    } else if (colour) {
      window.console.warn("Frontdoor chat: data-colour " + colour + " is not dark enough for AA contrast; the usual colour is used.");
    }
  }

  function place(host) {
    var target = option("target") && document.getElementById(option("target"));
    if (target) {
      target.appendChild(host);
    } else if (script && script.parentNode && script.parentNode !== document.head) {
      script.parentNode.insertBefore(host, script.nextSibling);
    } else {
      document.body.appendChild(host);
    }
  }

  // ---- The chat's scripts: socket.io and the quick exit kept out of the page's window, then
  // chat.js. ----
  function load(src, done) {
    var tag = document.createElement("script");
    tag.src = src;
    tag.onload = tag.onerror = done;
    document.head.appendChild(tag);
  }

  // Run loaded() with window[name] set to value, then put back what the page had there.
  function lend(name, value, src, loaded) {
    var had = Object.prototype.hasOwnProperty.call(window, name);
    var before = window[name];
    if (value !== undefined) { window[name] = value; }
    load(src, function () {
      var after = window[name];
      if (had) { window[name] = before; } else { delete window[name]; }
      loaded(after);
    });
  }

  function start(base, shadow) {
    lend("io", undefined, base + "vendor/socket.io.min.js", function (io) {
      lend("frontdoorQuickExit", undefined, base + "quick_exit.js", function (quickExit) {
        var rasaUrl = option("rasa-url") || defaults.rasaUrl;
        var config = { rasaUrl: rasaUrl, root: shadow, io: io, quickExit: quickExit };
        lend("FRONTDOOR_CHAT", config, base + "chat.js", function () {});
      });
    });
  }

  function embed() {
    if (!script || document.querySelector(".frontdoor-chat")) { return; }  // one chat a page
    var base = new URL(".", script.src).href;
    var host = build(base);
    place(host);
    start(base, host.shadowRoot);
  }

  delete window.FRONTDOOR_CHAT_EMBED;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embed);
  } else {
    embed();
  }
})();
