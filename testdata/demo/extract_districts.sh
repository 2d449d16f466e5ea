#!/bin/sh
# Extracts the admin-1 polygons (Natural Earth, public domain) that meet the demo's square from QGIS's world map
# (Debian 12 package qgis-common) into data/districts.gpkg. See README.md, "Districts".
set -e
cd "$(dirname "$0")"
rm -f data/districts.gpkg
OGR_CURRENT_DATE=2026-07-01T00:00:00Z ogr2ogr -f GPKG data/districts.gpkg \
  /usr/share/qgis/resources/data/world_map.gpkg states_provinces \
  -nln districts -select name,fips,adm0_a3,admin \
  -spat 46.596 39.592 47.312 40.144
