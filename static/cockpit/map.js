/* The mission map: stations coloured by coverage, team routes and incidents, from the scoped JSON endpoint.
   Text from the server (names, numbers) is always set as text, never as HTML. */
(function () {
  "use strict";

  var COLOURS = { observed: "#1a7f37", planned: "#0b5cad", not_covered: "#8c959f" };

  function text(value) {
    var node = document.createElement("span");
    node.textContent = String(value);
    return node;
  }

  function setup(node) {
    var card = node.closest("[data-map-card]");
    var regionSelect = card.querySelector("[data-map-region]");
    var kindSelect = card.querySelector("[data-map-kind]");
    var status = card.querySelector("[data-map-status]");
    var map = L.map(node, { attributionControl: Boolean(node.dataset.tiles), zoomControl: false, zoomSnap: 0.25 });
    // Leaflet's own zoom buttons, titled in the page's language.
    L.control.zoom({ zoomInTitle: node.dataset.labelZoomIn, zoomOutTitle: node.dataset.labelZoomOut }).addTo(map);
    if (node.dataset.tiles) {
      L.tileLayer(node.dataset.tiles, { maxZoom: 18, attribution: node.dataset.attribution || "" }).addTo(map);
    }
    var canvas = L.canvas({ padding: 0.5 });
    var layers = L.layerGroup().addTo(map);
    var regionsFilled = false;
    var latest = 0; // only the answer to the latest request is drawn, whatever order the answers arrive in
    map.setView([0, 0], 2);

    function count(name, value) {
      var target = card.querySelector('[data-count="' + name + '"]');
      if (target) target.textContent = String(value);
    }

    function draw(data) {
      layers.clearLayers();
      var bounds = L.latLngBounds([]);
      if (!regionsFilled) {
        data.regions.forEach(function (region) {
          var option = document.createElement("option");
          option.value = String(region[0]);
          option.textContent = region[1];
          regionSelect.appendChild(option);
        });
        regionsFilled = true;
      }
      if (data.outlines) {
        var outlines = L.geoJSON(data.outlines, {
          style: { color: "#57606a", weight: 1, fillColor: "#f6f8fa", fillOpacity: 0.7 },
          onEachFeature: function (feature, layer) {
            var properties = feature.properties || {};
            var name = properties.name || properties.NAME || properties.code;
            if (name) layer.bindTooltip(text(name), { sticky: true });
          },
        }).addTo(layers);
        if (!data.stations.length) bounds.extend(outlines.getBounds());
      }
      data.stations.forEach(function (station) {
        var marker = L.circleMarker([station[0], station[1]], {
          renderer: canvas,
          radius: station[2] === "not_covered" ? 3 : 5,
          color: COLOURS[station[2]],
          fillColor: COLOURS[station[2]],
          fillOpacity: 0.85,
          weight: 1,
        });
        marker.bindTooltip(text(node.dataset.labelStation + " " + station[3]));
        marker.addTo(layers);
        bounds.extend([station[0], station[1]]);
      });
      var routes = 0;
      data.routes.forEach(function (route) {
        if (route.points.length < 2) return; // a single planned station (an opening, a count) is no route
        routes += 1;
        L.polyline(route.points, { color: "#6f42c1", weight: 2, dashArray: "5 5", className: "map-route" })
          .bindTooltip(text(node.dataset.labelTeam + " " + route.team))
          .addTo(layers);
      });
      data.incidents.forEach(function (incident) {
        var popup = document.createElement("div");
        popup.appendChild(text(incident.received + " · " + incident.team + " · " + node.dataset.labelStation + " " + incident.station));
        popup.appendChild(document.createElement("br"));
        var link = document.createElement("a");
        link.href = incident.url;
        link.textContent = node.dataset.labelOpen;
        popup.appendChild(link);
        L.circleMarker([incident.lat, incident.lon], {
          radius: 6, color: "#82071e", fillColor: "#d1242f", fillOpacity: 0.9, weight: 2, className: "map-incident",
        }).bindPopup(popup).addTo(layers);
        bounds.extend([incident.lat, incident.lon]);
      });
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
      ["observed", "planned", "not_covered", "without_coordinates"].forEach(function (name) {
        count(name, data.counts[name]);
      });
      count("routes", routes);
      count("incidents", data.incidents.length);
      node.dataset.stations = String(data.stations.length);
      node.dataset.routes = String(routes);
      node.dataset.incidents = String(data.incidents.length);
      node.dataset.state = "ready";
      status.textContent = "";
    }

    function load() {
      var params = new URLSearchParams();
      if (regionSelect.value) params.set("region", regionSelect.value);
      if (kindSelect.value) params.set("kind", kindSelect.value);
      node.dataset.state = "loading";
      var request = ++latest;
      fetch(node.dataset.url + (params.toString() ? "?" + params.toString() : ""), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (request === latest) draw(data);
        })
        .catch(function () {
          if (request !== latest) return;
          node.dataset.state = "error";
          status.textContent = node.dataset.labelError;
        });
    }

    regionSelect.addEventListener("change", load);
    kindSelect.addEventListener("change", load);
    load();
  }

  function start() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
