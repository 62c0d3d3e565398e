// Học vụ số, learning pages: progress kept in this browser for visitors and sent to the account after
// sign-in; the "Nghe" (listen) button with the browser's Vietnamese voice; the print button.
// Every page works without this file (the quiz is a plain form).
(function () {
  "use strict";
  var KEY = "hv-learning-v1";
  var root = document.getElementById("learning");

  function fresh() { return { pending: [], opened: {}, passed: {} }; }
  function load() {
    try {
      var s = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (s && s.pending && s.opened && s.passed) return s;
    } catch (e) { /* private mode or corrupt: start again */ }
    return fresh();
  }
  function save(s) {
    try { window.localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* full or disabled */ }
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = [];
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" +
      h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function now() { return Math.floor(Date.now() / 1000); }

  if (root) {
    var signedIn = root.getAttribute("data-signed-in") === "1";
    var course = root.getAttribute("data-course");
    var lesson = root.getAttribute("data-lesson");
    var s = load();
    var key = course + "/" + lesson;

    if (!signedIn && course && lesson) {
      if (!s.opened[key]) {
        s.opened[key] = 1;
        s.pending.push({ id: uuid(), kind: "open", course: course, lesson: lesson, at: now() });
      }
      var quizId = root.getAttribute("data-quiz-id");
      if (quizId && !s.pending.some(function (p) { return p.id === quizId; })) {
        var answers = (root.getAttribute("data-answers") || "").split(",").map(function (a) {
          return a === "-" || a === "" ? null : parseInt(a, 10);
        });
        s.pending.push({ id: quizId, kind: "quiz", course: course, lesson: lesson, answers: answers, at: now() });
        if (root.getAttribute("data-passed") === "1") s.passed[key] = 1;
      }
      save(s);
    }

    // A visitor's course page: tick the lessons done in this browser and move the bar.
    if (!signedIn && course && !lesson) {
      var list = document.querySelector("ol.outline");
      var items = document.querySelectorAll("ol.outline li[data-lesson]");
      var done = 0;
      for (var i = 0; i < items.length; i++) {
        var li = items[i];
        var k = course + "/" + li.getAttribute("data-lesson");
        var needsQuiz = li.getAttribute("data-quiz") === "1";
        if (s.opened[k] && (s.passed[k] || !needsQuiz)) {
          done++;
          li.className = "done";
          var st = li.querySelector(".state");
          if (st && list) st.textContent = "✓ " + list.getAttribute("data-done-label");
        }
      }
      var bar = document.getElementById("course-progress");
      var text = document.getElementById("progress-text");
      if (done > 0 && bar && text && items.length) {
        bar.value = Math.floor(done * 100 / items.length);
        bar.textContent = bar.value + "%";
        text.textContent = done + " / " + items.length + " " + text.getAttribute("data-label");
      }
    }

    // Signed in with progress from before (a visit before signing in, a quiz answered offline): send
    // it now and whenever the connection comes back. Each item has its id, so a retry is harmless.
    if (signedIn && window.fetch) {
      sendPending();
      window.addEventListener("online", sendPending);
    }
    var quizForm = document.querySelector("form.quiz-form");
    if (quizForm && course && lesson) quizForm.addEventListener("submit", function (e) {
      // Online, the server scores it and shows any certificate. Offline the browser would show its
      // own error page and the answers would be lost: score here and keep the answers to send.
      if (navigator.onLine !== false) return;
      e.preventDefault();
      scoreOffline(quizForm, course, lesson);
    });
    var offlineSave = document.querySelector(".offline-save");
    if (offlineSave && window.caches && navigator.serviceWorker) {
      offlineSave.hidden = false;
      document.getElementById("save-course").addEventListener("click", saveCourse);
    }
    var note = document.querySelector(".visitor-note");
    if (note) note.hidden = false;
  }

  function sendPending() {
    var s = load();
    if (!s.pending.length) return;
    var batch = s.pending.slice(0, 500);
    fetch("/api/v1/learning/progress", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ items: batch })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (res) {
      if (!res || !res.results) return;
      var handled = {};
      var applied = false;
      res.results.forEach(function (x) {
        handled[x.id] = 1;
        if (x.status === "applied") applied = true;
      });
      var latest = load();
      latest.pending = latest.pending.filter(function (p) { return !handled[p.id]; });
      if (!latest.pending.length) { latest.opened = {}; latest.passed = {}; }
      save(latest);
      var status = document.getElementById("merge-status") || document.getElementById("offline-result");
      if (applied && status) {
        var done = document.createElement("p");
        done.className = "synced";
        done.textContent = root.getAttribute("data-saved");
        status.appendChild(done);
      }
      if (applied && root.getAttribute("data-reload") === "1") window.location.reload();
    }).catch(function () { /* offline: try again on the next page */ });
  }

  /** A quiz answered with no connection: the page's own score and feedback, the answers kept to send. */
  function scoreOffline(form, course, lesson) {
    var sets = form.querySelectorAll("fieldset.question");
    var answers = [];
    var correct = 0;
    for (var i = 0; i < sets.length; i++) {
      var fs = sets[i];
      var picked = fs.querySelector("input:checked");
      var given = picked ? parseInt(picked.value, 10) : null;
      var right = given !== null && given === parseInt(fs.getAttribute("data-answer"), 10);
      answers.push(given);
      if (right) correct++;
      fs.className = "field question " + (right ? "right" : "wrong");
      var old = fs.querySelector(".feedback");
      if (old) old.parentNode.removeChild(old);
      var fb = document.createElement("div");
      fb.className = "feedback";
      var verdict = document.createElement("p");
      verdict.className = right ? "verdict-right" : "verdict-wrong";
      verdict.textContent = right ? "✓ " + form.getAttribute("data-right")
        : "✗ " + form.getAttribute("data-wrong") + " " + fs.getAttribute("data-right-text");
      var explain = document.createElement("p");
      explain.textContent = fs.getAttribute("data-explain");
      fb.appendChild(verdict);
      fb.appendChild(explain);
      fs.appendChild(fb);
    }
    var total = sets.length;
    // Without rounding, as the server compares: 4 of 5 passes an 80% mark.
    var passed = total === 0 || correct * 100 >= parseInt(form.getAttribute("data-pass"), 10) * total;
    var box = document.getElementById("offline-result");
    box.className = "alert" + (passed ? " ok" : "");
    box.textContent = "";
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = form.getAttribute(passed ? "data-passed" : "data-failed");
    head.appendChild(strong);
    head.appendChild(document.createTextNode(" " + correct + "/" + total + " " + form.getAttribute("data-correct") + "."));
    var kept = document.createElement("p");
    kept.textContent = form.getAttribute("data-offline");
    box.appendChild(head);
    box.appendChild(kept);
    var idField = form.querySelector("input[name=client_id]");
    var id = (idField && idField.value) || uuid();
    var s = load();
    var key = course + "/" + lesson;
    if (!s.pending.some(function (p) { return p.id === id; })) {
      s.pending.push({ id: id, kind: "quiz", course: course, lesson: lesson, answers: answers, at: now() });
    }
    s.opened[key] = 1;
    if (passed) s.passed[key] = 1;
    save(s);
    // Answering again is a new attempt with its own id.
    if (idField) idField.value = uuid();
    box.scrollIntoView({ block: "center" });
  }

  /** Keep every lesson of this course (and its pictures) in the pages the service worker serves offline. */
  function saveCourse() {
    var button = document.getElementById("save-course");
    var status = document.getElementById("save-status");
    var links = document.querySelectorAll("ol.outline li[data-lesson] a[href]");
    var urls = [window.location.pathname];
    for (var i = 0; i < links.length; i++) urls.push(links[i].getAttribute("href"));
    button.disabled = true;
    status.textContent = button.getAttribute("data-saving");
    caches.open("hv-pages").then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(url + " " + r.status);
          return cache.put(url, r.clone()).then(function () { return r.text(); });
        }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var pictures = doc.querySelectorAll("#lesson-body img[src^='/']");
          return Promise.all(Array.prototype.map.call(pictures, function (img) {
            return cache.add(img.getAttribute("src"));
          }));
        });
      }));
    }).then(function () {
      status.textContent = button.getAttribute("data-saved") + " (" + (urls.length - 1) + ")";
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }).then(function () { button.disabled = false; });
  }

  // "Nghe": read the lesson aloud, block by block (long utterances stop early in some browsers).
  var listen = document.querySelector("button[data-listen]");
  var missing = document.querySelector(".listen-missing");
  // No Vietnamese voice on this phone: say so (and how to get one) instead of a button that cannot work.
  var explainMissing = function () { if (missing && listen && listen.hidden) missing.hidden = false; };
  if (listen && !("speechSynthesis" in window && window.SpeechSynthesisUtterance)) explainMissing();
  if (listen && "speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    // Voices load late on some phones: wait a moment before saying there is none.
    window.setTimeout(explainMissing, 3000);
    var synth = window.speechSynthesis;
    var viVoice = function () {
      return synth.getVoices().filter(function (v) { return /^vi([-_]|$)/i.test(v.lang); })[0];
    };
    var reveal = function () {
      if (!viVoice()) return;
      listen.hidden = false;
      if (missing) missing.hidden = true;
    };
    reveal();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", reveal);
    var reset = function () { listen.textContent = listen.getAttribute("data-label"); };
    listen.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); reset(); return; }
      var body = document.getElementById(listen.getAttribute("data-listen"));
      if (!body) return;
      var voice = viVoice();
      var blocks = body.querySelectorAll("h2, h3, p, li, blockquote, td");
      var parts = [];
      var summary = document.querySelector(".summary p");
      var title = document.querySelector("h1");
      if (title) parts.push(title.textContent);
      if (summary) parts.push(summary.textContent);
      for (var j = 0; j < blocks.length; j++) {
        // A list item or quote holding paragraphs is read through those paragraphs.
        if (blocks[j].querySelector("p, li")) continue;
        var t = blocks[j].textContent.replace(/\s+/g, " ").trim();
        if (t) parts.push(t);
      }
      listen.textContent = listen.getAttribute("data-stop");
      parts.forEach(function (p, n) {
        var u = new window.SpeechSynthesisUtterance(p);
        u.lang = "vi-VN";
        if (voice) u.voice = voice;
        u.rate = 0.9;
        if (n === parts.length - 1) u.onend = reset;
        synth.speak(u);
      });
    });
  }

  var print = document.querySelector("button.print");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
