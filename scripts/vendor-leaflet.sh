#!/bin/sh
# Vendor Leaflet from the npm registry into static/vendor/leaflet/ (committed): the EST
# map is served from our own static files, never from a CDN. Run again to update;
# change VERSION and commit the result.
set -eu
VERSION=1.9.4
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET="$ROOT/static/vendor/leaflet"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "leaflet@$VERSION" >/dev/null
tar -xzf "leaflet-$VERSION.tgz"
rm -rf "$TARGET"
mkdir -p "$TARGET/images"
cp package/dist/leaflet.js package/dist/leaflet.js.map package/dist/leaflet.css package/LICENSE "$TARGET/"
cp package/dist/images/*.png "$TARGET/images/"
echo "$VERSION" > "$TARGET/VERSION"
echo "Leaflet $VERSION in $TARGET"
