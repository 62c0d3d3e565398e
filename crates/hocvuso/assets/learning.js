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

    // Signed in with progress from before: send it (each item has its id, so a retry is harmless).
    if (signedIn && s.pending.length && window.fetch) {
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
        var status = document.getElementById("merge-status");
        if (applied && status) status.textContent = root.getAttribute("data-saved");
        if (applied && root.getAttribute("data-reload") === "1") window.location.reload();
      }).catch(function () { /* offline: try again on the next page */ });
    }
  }

  // "Nghe": read the lesson aloud, block by block (long utterances stop early in some browsers).
  var listen = document.querySelector("button[data-listen]");
  if (listen && "speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    var synth = window.speechSynthesis;
    var viVoice = function () {
      return synth.getVoices().filter(function (v) { return /^vi([-_]|$)/i.test(v.lang); })[0];
    };
    var reveal = function () { if (viVoice()) listen.hidden = false; };
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
