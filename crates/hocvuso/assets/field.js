// Học vụ số field work: forms marked data-sync write to an outbox in IndexedDB (each write with its own
// UUID), which is sent to /api/v1/sync now if there is a signal, else on the next page load or when the
// phone comes back online. "N chưa gửi" shows what is still on the phone. Without this file the same
// forms post normally.
(function () {
  "use strict";
  var script = document.currentScript;
  var T = script ? script.dataset : {};
  var DB = "hocvuso-field", STORE = "outbox";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function open() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out;
        out = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(items) { return tx("readwrite", function (s) { items.forEach(function (i) { s.put(i); }); }); }
  function remove(ids) { return tx("readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); }); }

  // ---- the "N chưa gửi" line ------------------------------------------------------------------------
  var status;
  function showCount() {
    return all().then(function (items) {
      var pending = items.filter(function (i) { return i.state !== "rejected"; }).length;
      var rejected = items.length - pending;
      var always = document.querySelector("form[data-sync]") || document.getElementById("outbox");
      if (!items.length && !always) { if (status) status.hidden = true; return items; }
      if (!status) {
        status = document.createElement("p");
        status.className = "outbox-status";
        status.setAttribute("role", "status");
        var main = document.getElementById("main");
        if (main) main.insertBefore(status, main.firstChild);
      }
      status.hidden = false;
      status.textContent = "";
      var a = document.createElement("a");
      a.href = "/chua-gui";
      a.textContent = pending + " " + (T.unsent || "") + (rejected ? " · " + rejected + " " + (T.rejected || "") : "");
      status.appendChild(a);
      status.classList.toggle("has-pending", pending > 0);
      return items;
    }).catch(function () { return []; });
  }

  // ---- sending ---------------------------------------------------------------------------------------
  // Items per request. A 413 answer means the batch is more than the server takes at once: it is split
  // in half and each half sent (down to single items), and the smaller size is kept for later batches.
  var batchSize = 100;

  // POST one batch; resolves to { results: [...], complete: bool } with the answers of the parts that
  // went through (complete is false when a part failed, to be sent again later).
  function post(batch) {
    return fetch("/api/v1/sync", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        user: batch[0].user || null,
        items: batch.map(function (i) {
          return { client_id: i.client_id, kind: i.kind, device_time: i.device_time, data: i.data };
        })
      })
    }).then(function (r) {
      if (r.status === 413 && batch.length > 1) {
        var half = Math.ceil(batch.length / 2);
        batchSize = Math.min(batchSize, half);
        return post(batch.slice(0, half)).then(function (a) {
          if (!a.complete) return a;
          return post(batch.slice(half)).then(function (b) {
            return { results: a.results.concat(b.results), complete: b.complete };
          });
        });
      }
      if (!r.ok) return { results: [], complete: false };
      return r.json().then(function (body) { return { results: body.results || [], complete: true }; });
    }).catch(function () { return { results: [], complete: false }; });
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve(false);
    sending = true;
    return all().then(function (items) {
      var pending = items.filter(function (i) { return i.state !== "rejected"; });
      if (!pending.length) return false;
      var batch = pending.filter(function (i) { return i.user === pending[0].user; }).slice(0, batchSize);
      return post(batch).then(function (answer) {
        if (!answer.results.length) return false;
        var done = [], bad = [];
        answer.results.forEach(function (res) {
          if (res.status === "rejected") {
            var item = pending.filter(function (i) { return i.client_id === res.client_id; })[0];
            if (item) { item.state = "rejected"; item.errors = res.errors; bad.push(item); }
          } else {
            done.push(res.client_id);
          }
        });
        return remove(done).then(function () { return put(bad); }).then(function () {
          document.dispatchEvent(new CustomEvent("hv-synced", { detail: { results: answer.results } }));
          return answer.complete;
        });
      });
    }).catch(function () { return false; }).then(function (sent) {
      sending = false;
      return showCount().then(function (items) {
        // More than one batch waiting: keep going.
        if (sent && items.some(function (i) { return i.state !== "rejected"; })) return flush();
        return sent;
      });
    });
  }

  // ---- forms -----------------------------------------------------------------------------------------
  function dataOf(form) {
    var arrays = (form.dataset.arrays || "").split(" ");
    var data = {};
    new FormData(form).forEach(function (v, k) {
      if (k === "csrf" || k === "client_id") return;
      if (arrays.indexOf(k) >= 0) (data[k] = data[k] || []).push(v);
      else data[k] = v;
    });
    arrays.forEach(function (k) { if (k && !data[k]) data[k] = []; });
    return data;
  }

  // What the outbox page calls an item: the form's label plus the thing it names (the household chosen,
  // the head of a new household, the code typed), so a list of "Ghi hoạt động" lines says which is which.
  function labelOf(form) {
    var label = form.dataset.label || document.title;
    var el = form.dataset.labelWith && document.getElementById(form.dataset.labelWith);
    if (el) {
      var extra = el.tagName === "SELECT" ? (el.value && el.selectedOptions[0] ? el.selectedOptions[0].textContent : "") : el.value.trim();
      if (extra) label += (form.dataset.labelJoin || ": ") + extra;
    }
    return label;
  }

  function itemsOf(form) {
    var kind = form.dataset.sync, now = Date.now(), user = form.dataset.user || "";
    var label = labelOf(form);
    if (kind === "household_checks") {
      var base = dataOf(form), out = [];
      form.querySelectorAll("input[name=items]").forEach(function (box) {
        if (box.checked === (box.dataset.was === "yes")) return;
        out.push({ client_id: uuid(), kind: "household_check", device_time: now, seq: out.length, user: user, label: label,
          data: { household: base.household, item: box.value, done: box.checked ? "yes" : "no", phone: base.phone || "" } });
        box.dataset.was = box.checked ? "yes" : "no";
      });
      return out;
    }
    // One form, one record: the client id the server put in the form (kept until the form is edited),
    // so a double tap or a resubmit queues the same item, which the server stores once. Attendance
    // taps are marks (the latest wins), so each tap is its own item.
    var idField = form.querySelector("input[name=client_id]");
    var id = idField && idField.value && !form.dataset.mark ? idField.value : uuid();
    return [{ client_id: id, kind: kind, device_time: now, seq: 0, user: user, label: label, data: dataOf(form) }];
  }

  // The outbox in the order things were done (IndexedDB hands them back in client-id order).
  function inOrder(items) {
    return items.slice().sort(function (a, b) { return (a.device_time - b.device_time) || ((a.seq || 0) - (b.seq || 0)); });
  }

  // ---- what is on the phone shows on the page ------------------------------------------------------
  // Pages opened with no signal come from the service worker's copy, taken before these writes. So the
  // page is brought up to date from the outbox: a household added offline is listed and can be chosen
  // in the activity form at once (the server stores a batch's households before its activities, and a
  // household's id is its item's client id), and attendance marks still show after a reload.
  function showPending(items) {
    var pending = inOrder(items.filter(function (i) { return i.state !== "rejected"; }));
    var homes = pending.filter(function (i) { return i.kind === "household"; });
    var box = document.getElementById("pending-households");
    if (box) {
      var village = box.dataset.village, ul = box.querySelector("ul");
      ul.textContent = "";
      homes.forEach(function (h) {
        if (h.data.village !== village) return;
        var li = document.createElement("li");
        li.textContent = h.data.head_name + (h.data.address ? " — " + h.data.address : "");
        ul.appendChild(li);
      });
      box.hidden = !ul.children.length;
    }
    document.querySelectorAll("form[data-sync=activity]").forEach(function (form) {
      var select = form.querySelector("select[name=household]"), village = form.querySelector("input[name=village]");
      if (!select || !village) return;
      homes.forEach(function (h) {
        if (h.data.village !== village.value) return;
        for (var k = 0; k < select.options.length; k++) if (select.options[k].value === h.client_id) return;
        var o = document.createElement("option");
        o.value = h.client_id;
        o.textContent = h.data.head_name + " — " + h.data.address + " (" + (T.unsent || "") + ")";
        select.appendChild(o);
      });
    });
    pending.forEach(function (i) {
      if (i.kind !== "attendance" || !i.data.person) return;
      document.querySelectorAll("form[data-mark]").forEach(function (form) {
        var p = form.querySelector("input[name=person]"), s = form.querySelector("input[name=session]");
        var v = form.querySelector("input[name=present]");
        if (p && s && v && p.value === i.data.person && s.value === i.data.session && v.value === i.data.present) markRow(form);
      });
    });
  }

  // Attendance: the row shows its latest mark, and the head count follows.
  function markRow(form) {
    var row = form.closest("[data-row]");
    if (!row) return;
    row.dataset.state = form.dataset.mark;
    var cell = row.querySelector("[data-mark]");
    if (cell) cell.textContent = form.dataset.markText || "";
    var count = document.getElementById("present-count");
    if (count) count.textContent = document.querySelectorAll("[data-row][data-state=present]").length;
  }

  function notice(form, text) {
    var n = form.querySelector(".sync-notice");
    if (!n) {
      n = document.createElement("p");
      n.className = "sync-notice";
      n.setAttribute("role", "status");
      form.appendChild(n);
    }
    n.textContent = text;
  }

  document.querySelectorAll("form[data-sync]").forEach(function (form) {
    var idField = form.querySelector("input[name=client_id]");
    // Editing the form after it was queued makes it a new record.
    var renew = function () {
      if (idField && form.dataset.queued && form.dataset.queued === idField.value) idField.value = uuid();
    };
    form.addEventListener("input", renew);
    form.addEventListener("change", renew);
    form.addEventListener("submit", function (ev) {
      if (!window.indexedDB) return; // the plain post still works
      ev.preventDefault();
      // The same, unchanged form again (a double tap, a slow second tap after the form was cleared):
      // it is already in the outbox; never queue it again, least of all emptied.
      if (idField && !form.dataset.mark && form.dataset.queued === idField.value) {
        notice(form, T.saved || "");
        return;
      }
      var items = itemsOf(form);
      if (!items.length) return;
      if (idField && !form.dataset.mark) form.dataset.queued = idField.value;
      put(items).then(function () {
        notice(form, T.saved || "");
        // Attendance: show the new mark at once, sent or not.
        if (form.dataset.mark) markRow(form);
        if (form.dataset.reset === "yes") {
          form.reset();
          var d = form.querySelector("input[name=happened_on]");
          if (d && d.defaultValue) d.value = d.defaultValue;
        }
        return showCount().then(showPending).then(flush).then(function (sent) {
          if (sent) notice(form, T.sent || "");
        });
      }).catch(function () { form.submit(); });
    });
  });

  // Sign-out on a shared phone: forget the pages kept for this person.
  document.querySelectorAll("form[action='/dang-xuat']").forEach(function (f) {
    f.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget-pages");
    });
  });

  // ---- the outbox page -------------------------------------------------------------------------------
  var list = document.getElementById("outbox");
  function renderOutbox(items) {
    if (!list) return;
    list.textContent = "";
    items.forEach(function (i) {
      var li = document.createElement("li");
      li.className = "card";
      var p = document.createElement("p");
      p.textContent = i.label + " — " + new Date(i.device_time).toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-GB");
      li.appendChild(p);
      if (i.state === "rejected") {
        var e = document.createElement("p");
        e.className = "err";
        e.textContent = (i.errors || []).map(function (x) { return x.message; }).join(" ");
        li.appendChild(e);
        var b = document.createElement("button");
        b.type = "button";
        b.className = "small secondary";
        b.textContent = T.discard || "×";
        b.addEventListener("click", function () { remove([i.client_id]).then(refresh); });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
  }
  function refresh() { return showCount().then(function (items) { renderOutbox(inOrder(items)); showPending(items); return items; }); }
  var sendNow = document.getElementById("send-now");
  if (sendNow) {
    sendNow.hidden = false;
    sendNow.addEventListener("click", function () { flush().then(refresh); });
  }

  // ---- scanning a card or certificate QR code (where the browser can) --------------------------------
  var scan = document.getElementById("scan-code");
  if (scan && "BarcodeDetector" in window && navigator.mediaDevices) {
    scan.hidden = false;
    scan.addEventListener("click", function () {
      var video = document.getElementById("scan-video"), input = document.getElementById(scan.dataset.target);
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              input.value = codes[0].rawValue;
              input.form.requestSubmit();
            } else if (!video.hidden) {
              requestAnimationFrame(tick);
            }
          }).catch(stop);
        };
        tick();
      }).catch(function () { /* no camera: typing the code still works */ });
    });
  }

  window.addEventListener("online", function () { flush().then(refresh); });
  refresh().then(flush).then(refresh);
  // While a page stays open in the field, try again every minute.
  setInterval(function () { if (navigator.onLine) flush().then(refresh); }, 60000);
})();
