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
})();
