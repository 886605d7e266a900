"""Map builders: pure functions ``(data, options) -> folium.Map``. No Flask here."""

from __future__ import annotations

import folium

from webmap.assets import LEAFLET_CSS, LEAFLET_JS

SHANXI_BOUNDS = [[34.57, 110.23], [40.74, 114.56]]  # (lat, lon) SW, NE corners, WGS-84
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def base_map(*, tiles: bool = True) -> folium.Map:
    """An empty map of Shanxi whose scripts and styles come from the app's own origin."""
    m = folium.Map(
        location=[37.6, 112.3],
        zoom_start=7,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    m.default_js = list(LEAFLET_JS)
    m.default_css = list(LEAFLET_CSS)
    if tiles:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)
    m.fit_bounds(SHANXI_BOUNDS)
    return m


def boundary_map(cities_geojson: dict, counties_geojson: dict, m: folium.Map | None = None):
    """City and county outlines with tooltips (name, English name, adcode, area)."""
    m = m or base_map()
    fields = ["name", "name_en", "adcode", "area_km2"]
    aliases = ["名称", "English", "adcode", "面积 km²"]
    folium.GeoJson(
        counties_geojson,
        name="区县 Counties",
        style_function=lambda _: {"color": "#555", "weight": 0.8, "fillOpacity": 0.05},
        highlight_function=lambda _: {"weight": 2.5, "fillOpacity": 0.2},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    ).add_to(m)
    folium.GeoJson(
        cities_geojson,
        name="地级市 Cities",
        style_function=lambda _: {"color": "#222", "weight": 2.2, "fill": False},
        interactive=False,
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
