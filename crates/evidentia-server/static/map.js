// Maps: the bundled outline of the region as the base layer (works offline), tiles only when
// the deployment configured a tile server, and incidents as clustered markers linking to their
// pages (or one marker for an incident page).
"use strict";
(() => {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const d = el.dataset;
  L.Icon.Default.imagePath = d.markers;
  const map = L.map(el, { scrollWheelZoom: false, keyboard: true, minZoom: 3, maxZoom: 18 });
  map.attributionControl.setPrefix(false);
  if (d.tiles) L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map);
  const region = fetch(d.region)
    .then((r) => r.json())
    .then((geo) => L.geoJSON(geo, {
      style: { color: "#3b5166", weight: 2, fillColor: "#dfe8ef", fillOpacity: 0.6 },
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 2, color: "#3b5166" }),
    }).addTo(map));

  if (d.graves) {
    // Grave sites, on the staff map: plain circles beside the clustered incidents.
    fetch(d.graves, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((geo) => {
        for (const f of geo.features || []) {
          const [lon, lat] = f.geometry.coordinates;
          const box = document.createElement("div");
          const name = document.createElement("strong");
          name.textContent = f.properties.title;
          box.append(name, document.createElement("br"), d.gravesLabel + " · " + f.properties.when);
          L.circleMarker([lat, lon], { radius: 7, color: "#5a2d0c", fillColor: "#b5651d", fillOpacity: 0.8 })
            .bindPopup(box)
            .addTo(map);
        }
      })
      .catch((e) => console.error("map graves:", e));
  }

  if (d.points) {
    const cluster = L.markerClusterGroup();
    map.addLayer(cluster);
    Promise.all([region, fetch(d.points, { credentials: "same-origin" }).then((r) => r.json())])
      .then(([outline, geo]) => {
        for (const f of geo.features || []) {
          const [lon, lat] = f.geometry.coordinates;
          const link = document.createElement("a");
          link.href = f.properties.href;
          link.textContent = f.properties.title;
          const box = document.createElement("div");
          box.append(link, document.createElement("br"), f.properties.when);
          const marker = L.marker([lat, lon], { title: f.properties.title, alt: f.properties.title });
          marker.bindPopup(box);
          cluster.addLayer(marker);
        }
        const bounds = cluster.getLayers().length ? cluster.getBounds() : outline.getBounds();
        map.fitBounds(bounds.pad(0.1));
        const count = document.getElementById("map-count");
        if (count) count.textContent = d.countLabel.replace("{n}", String(cluster.getLayers().length));
      })
      .catch((e) => {
        console.error("map:", e);
        map.setView([47.1, -32.5], 8);
      });
  } else {
    const at = [Number(d.lat), Number(d.lon)];
    L.marker(at, { alt: document.title }).addTo(map);
    map.setView(at, 9);
  }
})();
