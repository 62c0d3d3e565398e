// Học vụ số: small enhancements only. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Sign-up: fill the village list when a commune is chosen, instead of the no-JS reload button.
  document.querySelectorAll("select[data-villages]").forEach(function (communeSelect) {
    var villageSelect = document.getElementById(communeSelect.getAttribute("data-villages"));
    if (!villageSelect) return;
    communeSelect.addEventListener("change", function () {
      var code = communeSelect.value;
      var first = villageSelect.options[0];
      villageSelect.innerHTML = "";
      villageSelect.appendChild(first);
      if (!code) return;
      fetch("/api/v1/units/" + encodeURIComponent(code) + "/children", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (units) {
          units.forEach(function (u) {
            var o = document.createElement("option");
            o.value = u.code;
            o.textContent = u.name;
            villageSelect.appendChild(o);
          });
        })
        .catch(function () { /* offline: the no-JS button still works */ });
    });
  });

  // Share: the system share sheet where there is one (phones: Zalo, Messenger, SMS), else copy the link.
  document.querySelectorAll("p.share").forEach(function (box) {
    var native = box.querySelector(".share-native");
    var copy = box.querySelector(".share-copy");
    var status = box.querySelector(".share-status");
    var url = window.location.origin + window.location.pathname;
    var canShare = !!navigator.share;
    var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
    if (!canShare && !canCopy) return;
    native.hidden = !canShare;
    copy.hidden = canShare || !canCopy;
    box.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: document.title, url: url }).catch(function () { /* closed */ });
    });
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(function () { status.textContent = copy.getAttribute("data-done"); });
    });
  });

  // Cancelling and removing ask first: a slip of the thumb on a small screen should not undo work.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
})();
