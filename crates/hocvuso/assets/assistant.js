// "Hỏi trợ lý" without reloading the page: the form posts to the JSON API and the answer is added as a
// bubble. Without this file (or when the request fails) the form posts the page as usual.
(function () {
  "use strict";
  var form = document.getElementById("ask-form");
  var chat = document.getElementById("chat");
  var input = document.getElementById("question");
  if (!form || !chat || !input || !window.fetch) return;
  var err = document.getElementById("question-err");
  var MAX_HISTORY = 4;
  var busy = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function srLabel(text) {
    return el("span", "sr-only", text + ": ");
  }

  function links(bubble, heading, items) {
    if (!items || !items.length) return;
    bubble.appendChild(el("p", "src-h", heading + ":"));
    var ul = el("ul", "sources");
    items.forEach(function (s) {
      var li = el("li");
      var a = el("a", null, s.title);
      a.href = s.url;
      li.appendChild(a);
      ul.appendChild(li);
    });
    bubble.appendChild(ul);
  }

  function showReply(bubble, r) {
    bubble.textContent = "";
    bubble.className = "bubble bot" + (r.confident ? "" : " unsure");
    bubble.appendChild(srLabel(chat.dataset.bot));
    var p = el("p", "answer", r.answer);
    if (r.answer_lang && r.answer_lang !== document.documentElement.lang) p.lang = r.answer_lang;
    bubble.appendChild(p);
    if (r.note) bubble.appendChild(el("p", "note", r.note));
    links(bubble, chat.dataset.sources, r.sources);
    links(bubble, chat.dataset.related, r.related);
    links(bubble, chat.dataset.help, r.help);
  }

  function remember(question) {
    var hidden = form.querySelectorAll('input[type=hidden][name="h"]');
    if (hidden.length >= MAX_HISTORY) hidden[0].parentNode.removeChild(hidden[0]);
    var h = document.createElement("input");
    h.type = "hidden";
    h.name = "h";
    h.value = question;
    form.insertBefore(h, form.firstChild);
    // Keep them oldest first, as the server reads them.
    var all = form.querySelectorAll('input[type=hidden][name="h"]');
    for (var i = all.length - 1; i >= 0; i--) form.insertBefore(all[i], form.firstChild);
  }

  function setError(message) {
    if (!err) return;
    err.textContent = message || "";
    err.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "question-hint question-err");
    } else {
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "question-hint");
    }
  }

  function ask(question) {
    if (busy) return;
    busy = true;
    setError("");
    var mine = el("li", "bubble me");
    mine.appendChild(srLabel(chat.dataset.you));
    mine.appendChild(document.createTextNode(question));
    var bot = el("li", "bubble bot pending", chat.dataset.thinking);
    chat.appendChild(mine);
    chat.appendChild(bot);
    var empty = document.querySelector(".chat + .hint");
    if (empty) empty.hidden = true;
    fetch("/api/v1/assistant/ask", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question: question, lang: document.documentElement.lang })
    })
      .then(function (resp) {
        return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
      })
      .then(function (r) {
        if (r.ok) {
          showReply(bot, r.body);
          remember(question);
          input.value = "";
        } else {
          chat.removeChild(mine);
          chat.removeChild(bot);
          var f = r.body && r.body.error && r.body.error.fields && r.body.error.fields[0];
          setError(f ? f.message : (r.body && r.body.error && r.body.error.message) || chat.dataset.failed);
          input.focus();
        }
      })
      .catch(function () {
        chat.removeChild(mine);
        bot.className = "bubble bot unsure";
        bot.textContent = chat.dataset.failed;
      })
      .then(function () {
        busy = false;
      });
  }

  form.addEventListener("submit", function (ev) {
    var q = input.value.trim();
    if (!q) return; // let the browser say the field is required
    ev.preventDefault();
    ask(q);
  });

  var suggestions = document.getElementById("suggestions");
  if (suggestions) {
    suggestions.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[name=question]");
      if (!b) return;
      ev.preventDefault();
      ask(b.value);
      var card = suggestions.closest("section");
      if (card) card.hidden = true;
    });
  }
})();
