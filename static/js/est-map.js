/* The EST weekly picture's map: the places and their counts on the configured tile
   server's map, drawn with Leaflet from our own static files. The page is complete
   without it (the table of places holds the same counts). */
(function () {
  "use strict";
  function draw() {
    var holder = document.querySelector("[data-est-map]");
    var source = document.getElementById("est-map-data");
    if (!holder || !source || typeof window.L === "undefined") return;
    var data = JSON.parse(source.textContent);
    var map = window.L.map(holder, { scrollWheelZoom: false });
    window.L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var bounds = [];
    data.points.forEach(function (point) {
      var marker = window.L.circleMarker([point.lat, point.lon], {
        radius: 6 + Math.min(point.count, 20),
        color: "#1d4f91",
        weight: 2,
        fillOpacity: 0.4,
      }).addTo(map);
      marker.bindTooltip(point.name + ": " + point.count);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else {
      map.setView([62, 16], 4);
    }
    holder.setAttribute("data-est-map-ready", String(bounds.length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
