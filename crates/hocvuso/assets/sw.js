// Học vụ số service worker: the app shell is precached; pages and other same-origin GETs are fetched
// from the network first and kept, so a form or lesson opened once online opens again with no signal.
// Writes are never handled here: pages queue them in the IndexedDB outbox (field.js) and sync later.
"use strict";
var VERSION = "__VERSION__";
var PRECACHE = __PRECACHE__;
var SHELL = "hv-shell-" + VERSION;
var PAGES = "hv-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (c) { return c.addAll(PRECACHE); }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("hv-shell-") === 0 && k !== SHELL; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A shared phone: signing out forgets the pages kept for the person who signed out.
self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  }
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    var type = response.headers.get("content-type") || "";
    if (response.ok && response.type === "basic" && !response.redirected &&
        (type.indexOf("text/html") === 0 || type.indexOf("application/json") === 0 || type.indexOf("text/calendar") === 0)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (c) { return c.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      if (hit) return hit;
      if (request.mode === "navigate") return caches.match("/ngoai-tuyen");
      return new Response("", { status: 503, statusText: "offline" });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Hashed asset names never change content: cache first.
  if (url.pathname.indexOf("/assets/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(SHELL).then(function (c) { return c.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (url.pathname === "/sw.js" || url.pathname === "/api/v1/sync" || url.pathname === "/dang-xuat") return;
  event.respondWith(networkFirst(request));
});
