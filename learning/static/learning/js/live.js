/* Live discussions and notifications over WebSocket (progressive enhancement).
 *
 * Without this script every room works with normal form posts and page loads. With it:
 * - new, edited and deleted messages appear without reload; "Here now" follows presence events;
 * - the post form sends over the socket while it is open, and falls back to a normal HTTP post otherwise;
 * - when the connection drops, the page says live updates are paused and reconnects with exponential
 *   backoff (1 s, 2 s, 4 s ... up to 30 s, with jitter); close codes 4401/4403/4404 are final (4503,
 *   the server's Redis is unreachable, is not: it reconnects).
 * - live notifications (match invitation, mention) are shown in #live-notifications.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-room], [data-live-notifications]");
  if (!root || !("WebSocket" in window)) return;
  var texts = JSON.parse((document.getElementById("live-texts") || {}).textContent || "{}");
  var status = document.querySelector("[data-live-status]");
  var notices = document.getElementById("live-notifications");
  var list = document.getElementById("message-list");
  var template = document.getElementById("message-template");
  var form = document.getElementById("post-form");
  var feedback = document.getElementById("post-feedback");
  var presenceList = document.getElementById("presence-list");
  var me = root.getAttribute("data-user-id");
  var isRoom = root.hasAttribute("data-live-room");
  var socket = null;
  var attempt = 0;
  var heartbeat = null;
  var finalClose = false;
  var pending = {};

  function say(text, state) {
    if (!status) return;
    status.textContent = text;
    status.setAttribute("data-state", state || "");
  }

  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.getAttribute("data-ws-path");
  }

  function connect() {
    say(texts.connecting, "connecting");
    socket = new WebSocket(url());
    socket.addEventListener("open", function () {
      attempt = 0;
      say(texts.live, "live");
      root.setAttribute("data-live", "on");
      clearInterval(heartbeat);
      if (isRoom) {
        heartbeat = setInterval(function () { send({ type: "ping" }); }, 25000);
      }
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handle(data);
    });
    socket.addEventListener("close", function (event) {
      root.setAttribute("data-live", "off");
      clearInterval(heartbeat);
      socket = null;
      var final = { 4401: texts.closed_4401, 4403: texts.closed_4403, 4404: texts.closed_4404 }[event.code];
      if (final || finalClose) {
        say(final || texts.closed_4403, "closed");
        if (event.code === 4403 && form) form.hidden = true;
        return;
      }
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) + Math.floor(Math.random() * 500);
      attempt += 1;
      say(texts.paused.replace("{seconds}", Math.round(delay / 1000)), "paused");
      setTimeout(connect, delay);
    });
  }

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(data));
      return true;
    }
    return false;
  }

  function notify(text, href) {
    if (!notices) return;
    var p = document.createElement("p");
    p.className = "alert alert--info";
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      p.appendChild(a);
    } else {
      p.textContent = text;
    }
    notices.appendChild(p);
  }

  function setId(link, id) {
    if (link.hasAttribute("href")) link.setAttribute("href", link.getAttribute("href").replace(/\/0\//, "/" + id + "/").replace("reply=0", "reply=" + id));
    if (link.hasAttribute("data-reply")) link.setAttribute("data-reply", id);
  }

  function render(m) {
    var li = template.content.firstElementChild.cloneNode(true);
    li.id = "message-" + m.id;
    li.setAttribute("data-message-id", m.id);
    li.setAttribute("data-author-id", m.author_id);
    if (String(m.author_id) === me) li.classList.add("message--own");
    li.querySelector(".message__author").textContent = m.author;
    var time = li.querySelector("time");
    time.setAttribute("datetime", m.created_at);
    time.textContent = m.created_label;
    li.querySelector(".message__edited").hidden = !m.edited;
    if (m.reply_to) {
      var reply = li.querySelector(".message__reply");
      reply.hidden = false;
      var a = reply.querySelector("a");
      a.href = "#message-" + m.reply_to.id;
      a.textContent = m.reply_to.author;
      reply.querySelector(".message__excerpt").textContent = m.reply_to.excerpt ? ": " + m.reply_to.excerpt : "";
    }
    li.querySelector(".message__body").innerHTML = m.html; /* sanitised by the server (nh3) */
    li.querySelectorAll("[data-action]").forEach(function (item) {
      var action = item.getAttribute("data-action");
      var own = String(m.author_id) === me;
      if ((action === "own" && !own) || (action === "other" && own)) { item.remove(); return; }
      item.querySelectorAll("a").forEach(function (link) { setId(link, m.id); });
      var reply = item.querySelector("[data-reply]");
      if (reply) reply.setAttribute("data-reply-author", m.author);
    });
    return li;
  }

  function removed(li, hidden) {
    var body = li.querySelector(".message__body");
    body.innerHTML = "";
    var p = document.createElement("p");
    p.className = "message__removed";
    p.textContent = hidden ? texts.hidden : texts.deleted;
    body.appendChild(p);
    var actions = li.querySelector(".message__actions");
    if (actions) actions.remove();
  }

  function handle(data) {
    if (data.type === "message.new" && list && template) {
      if (document.getElementById("message-" + data.message.id)) return;
      list.appendChild(render(data.message));
      var empty = document.getElementById("no-messages");
      if (empty) empty.remove();
    } else if (data.type === "message.edit") {
      var li = document.getElementById("message-" + data.message.id);
      if (li) {
        li.querySelector(".message__body").innerHTML = data.message.html;
        var edited = li.querySelector(".message__edited");
        if (edited) edited.hidden = false;
      }
    } else if (data.type === "message.delete") {
      var gone = document.getElementById("message-" + data.id);
      if (gone) removed(gone, data.hidden);
    } else if (data.type === "presence" && presenceList) {
      presenceList.innerHTML = "";
      (data.members.length ? data.members : [{ name: texts.nobody, empty: true }]).forEach(function (person) {
        var item = document.createElement("li");
        item.textContent = person.name;
        if (person.empty) item.className = "presence-list__empty";
        presenceList.appendChild(item);
      });
    } else if (data.type === "notification") {
      notify(data.text, data.url);
    } else if (data.type === "ack") {
      if (pending[data.client_id] && form) {
        form.querySelector("textarea").value = "";
        clearReply();
        if (feedback) feedback.hidden = true;
      }
      delete pending[data.client_id];
    } else if (data.type === "error") {
      if (feedback) {
        feedback.textContent = data.message;
        feedback.hidden = false;
      }
      delete pending[data.client_id];
    } else if (data.type === "removed") {
      finalClose = true;
      say(data.message, "closed");
    }
  }

  function clearReply() {
    if (!form) return;
    form.querySelector("[name=reply_to]").value = "";
    document.getElementById("replying-to").hidden = true;
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var body = form.querySelector("textarea").value;
      var clientId = String(Date.now()) + Math.random().toString(16).slice(2);
      var replyTo = form.querySelector("[name=reply_to]").value || null;
      /* Socket closed: let the browser post the form over HTTP (the page reloads). */
      if (!body.trim() || !send({ type: "message.post", body: body, reply_to: replyTo, client_id: clientId })) return;
      event.preventDefault();
      pending[clientId] = true;
    });
  }

  document.addEventListener("click", function (event) {
    var reply = event.target.closest("[data-reply]");
    if (reply && form) {
      event.preventDefault();
      form.querySelector("[name=reply_to]").value = reply.getAttribute("data-reply");
      var box = document.getElementById("replying-to");
      box.querySelector("[data-replying-text]").textContent = texts.replying.replace("{author}", reply.getAttribute("data-reply-author"));
      box.hidden = false;
      form.querySelector("textarea").focus();
      return;
    }
    if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      clearReply();
      return;
    }
    var older = event.target.closest("[data-load-older]");
    if (older && list) {
      event.preventDefault();
      fetch(older.getAttribute("data-load-older"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var holder = document.createElement("ol");
          holder.innerHTML = html;
          var items = Array.prototype.slice.call(holder.children);
          items.reverse().forEach(function (item) { list.insertBefore(item, list.firstChild); });
          var cursor = items.length ? items[items.length - 1].getAttribute("data-message-id") : null;
          if (items.length < 30 || !cursor) { older.parentNode.remove(); return; }
          older.setAttribute("href", "?before=" + cursor);
          older.setAttribute("data-load-older", "?before=" + cursor + "&fragment=older");
        })
        .catch(function () { location.href = older.getAttribute("href"); });
    }
  });

  connect();
})();
