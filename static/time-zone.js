// Tells the server this browser's time zone, so times are shown in it (tracker/time_zones.py).
"use strict";
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const input of document.querySelectorAll("input[data-time-zone]")) {
    input.value = zone || "";
  }
  for (const place of document.querySelectorAll("[data-browser-time-zone]")) {
    place.textContent = zone || "unknown";
  }
})();
