/* est's maps, drawn with Leaflet (served by est itself) under a Content-Security-Policy without inline code.
 *
 * Each map is rendered hidden by the macros in core/templates/_map.html and shown here, so that without JavaScript
 * there is no map and the page still works (the place as text, the data listed in text). The background is plain:
 * Sweden's and the areas' outlines; a tile layer only when the server names one (data-tiles-url).
 *
 * data-est-map="point": the report form's point — "My position" or a tap on the map fills the hidden lat/lon inputs,
 * the chosen point is said in words, and "Remove the point" clears it.
 * data-est-map="picture": a lägesbild's report points and hot spots, fetched from data-geojson.
 */
(function () {
  "use strict";
  if (!window.L) {
    return;
  }

  var LAND = { color: "#8a8a80", weight: 1, fillColor: "#f7f6f1", fillOpacity: 1 };
  var AREA = { color: "#1d4f91", weight: 2, fillColor: "#1d4f91", fillOpacity: 0.06 };
  var POINT_ZOOM = 16;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function escaped(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  /* A map on ``element`` with its outlines (and tiles, if configured); returns the map and the areas' layers. */
  function baseMap(element, options) {
    var tiles = element.dataset.tilesUrl;
    var map = L.map(element, Object.assign({
      zoomControl: false,
      attributionControl: Boolean(tiles),
      scrollWheelZoom: false,         // the page scrolls past the map
      dragging: !L.Browser.mobile,    // one finger scrolls the page; two move the map
      zoomSnap: 0.5,
      trackResize: !window.ResizeObserver  // else the observer below, which also sees the map's own size change
    }, options));
    L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut }).addTo(map);
    if (tiles) {
      L.tileLayer(tiles, { attribution: escaped(element.dataset.tilesAttribution), maxZoom: 19 }).addTo(map);
    }
    var areas = {};
    var outlines = JSON.parse(element.dataset.outlines);
    var drawn = L.geoJSON(outlines, {
      interactive: false,
      filter: function (feature) { return !(tiles && feature.properties.kind === "sweden"); },
      style: function (feature) { return feature.properties.kind === "sweden" ? LAND : AREA; },
      onEachFeature: function (feature, layer) {
        if (feature.properties.kind === "area") {
          areas[feature.properties.id] = layer;
        }
      }
    }).addTo(map);
    var areaBounds = L.featureGroup(Object.values(areas)).getBounds();
    var home = areaBounds.isValid() ? areaBounds : drawn.getBounds();
    map.fitBounds(home);
    if (window.ResizeObserver) {  // a turned phone, a wider window: the map redraws for its new size
      new ResizeObserver(function () { map.invalidateSize(); }).observe(element);
    }
    return { map: map, areas: areas, areaBounds: areaBounds };
  }

  function pointPicker(picker) {
    var element = picker.querySelector(".map");
    var form = picker.closest("form");
    var lat = form.querySelector("#lat");
    var lon = form.querySelector("#lon");
    var status = form.querySelector("#point-status");
    var clear = form.querySelector("#point-clear");
    var locate = picker.querySelector("#my-position");
    var area = form.querySelector("#area");
    if (!element && !navigator.geolocation) {
      return;  // no map to tap on (no outlines, no tiles) and no position: the place as text
    }
    picker.hidden = false;
    var made = element ? baseMap(element, { keyboard: false }) : null;
    var map = made && made.map;
    var marker = null;

    function show(latitude, longitude) {
      clear.hidden = false;
      if (!map) {
        return;
      }
      if (marker) {
        marker.setLatLng([latitude, longitude]);
      } else {
        marker = L.circleMarker([latitude, longitude], {
          radius: 9, color: "#fff", weight: 3, fillColor: "#b00020", fillOpacity: 1, interactive: false
        }).addTo(map);
      }
    }

    function choose(latitude, longitude) {
      lat.value = latitude.toFixed(5);
      lon.value = longitude.toFixed(5);
      status.textContent = format(picker.dataset.chosen, { lat: lat.value, lon: lon.value });
      show(latitude, longitude);
    }

    function fitArea() {
      var layer = map && area && made.areas[area.value];
      if (layer) {
        map.fitBounds(layer.getBounds());
      }
    }

    if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) {
      // A point sent back with the form (being corrected, or refused): shown with its area's outline around it.
      show(+lat.value, +lon.value);
      var layer = map && area && made.areas[area.value];
      if (layer) {
        map.fitBounds(layer.getBounds().extend([+lat.value, +lon.value]), { padding: [16, 16] });
      } else if (map) {
        map.setView([+lat.value, +lon.value], POINT_ZOOM);
      }
    } else {
      fitArea();
    }
    if (area) {
      area.addEventListener("change", function () {
        if (!marker) {
          fitArea();
        }
      });
    }
    if (map) {
      map.on("click", function (event) {
        choose(event.latlng.lat, event.latlng.lng);
      });
    }
    clear.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker) {
        marker.remove();
        marker = null;
      }
      status.textContent = picker.dataset.removed;
      clear.hidden = true;
      locate.focus();
    });
    if (navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = locate.dataset.finding;
        navigator.geolocation.getCurrentPosition(function (position) {
          choose(position.coords.latitude, position.coords.longitude);
          if (map) {
            map.setView([position.coords.latitude, position.coords.longitude], POINT_ZOOM);
          }
        }, function () {
          status.textContent = locate.dataset.failed;
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
  }

  function pictureMap(figure) {
    var element = figure.querySelector(".map");
    figure.hidden = false;
    var made = baseMap(element, {});
    fetch(element.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, at) {
            if (feature.properties.kind === "hot_spot") {
              // A ring of screen size, not of its radius in metres: a hot spot must stand out at any zoom.
              return L.circleMarker(at, {
                radius: Math.min(12 + feature.properties.count, 24), color: "#b00020", weight: 3, dashArray: "6 4",
                fill: false
              }).bindTooltip(format(element.dataset.hotSpot, { count: feature.properties.count }));
            }
            return L.circleMarker(at, { radius: 5, color: "#fff", weight: 1, fillColor: "#1b1b1b", fillOpacity: 0.85 });
          }
        }).addTo(made.map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          if (made.areaBounds.isValid()) {  // the reports among the areas' outlines, the landmarks without tiles
            bounds = L.latLngBounds(bounds.getSouthWest(), bounds.getNorthEast()).extend(made.areaBounds);
          }
          made.map.fitBounds(bounds, { maxZoom: POINT_ZOOM, padding: [16, 16] });
        }
      })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "field-error";
        note.textContent = element.dataset.failed;
        figure.appendChild(note);
      });
  }

  document.querySelectorAll("[data-est-map=point]").forEach(pointPicker);
  document.querySelectorAll("[data-est-map=picture]").forEach(pictureMap);
})();
