#!/usr/bin/env sh
# Installs the Debian packages Kansli's tests and document rendering need, where they are missing:
#   LibreOffice (headless, for opening and converting Word output), its fonts,
#   Chromium and ChromeDriver (for the browser tests; Playwright's own browser download cannot work here).
# Safe to run repeatedly: it does nothing when everything is present.
set -eu

missing=""
need() { # need COMMAND-OR-FILE PACKAGE
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -e "$1" ]; then missing="$missing $2"; fi
}
need soffice libreoffice-writer-nogui
need /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf fonts-liberation2
need chromium chromium
need chromedriver chromium-driver
need pdftoppm poppler-utils
need gs ghostscript
need ocrmypdf ocrmypdf
need /usr/share/tesseract-ocr/5/tessdata/swe.traineddata tesseract-ocr-swe
need /usr/lib/python3/dist-packages/uno.py python3-uno

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Saknade systempaket:$missing — installera dem som root (apt-get install$missing)." >&2
  exit 1
fi
echo "Installerar systempaket:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
