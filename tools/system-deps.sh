#!/bin/sh
# The system libraries Qt needs to run (offscreen or on a screen), and PostgreSQL for
# the consent inbox's tests, installed
# with Debian's apt when they are missing and we are allowed to. Elsewhere
# (Windows, macOS, a non-root Linux user) it only says what it would need.
set -e
PKGS="libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fontconfig postgresql
  libxcb-icccm4 libxcb-keysyms1 icu-devtools chromium chromium-driver fonts-noto-core"
# libxcb-*: Qt on an X11 screen (and in the bundle); icu-devtools: the bundle trims ICU data
# postgresql: the consent inbox's tests start a throwaway cluster of their own (initdb, pg_ctl)
# chromium, chromium-driver: the inbox's pages tested in a real browser (tests/test_inbox_browser.py)
# fonts-noto-core: the fonts those pages are shown in
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system libraries Qt needs:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Qt may need these system packages:$missing (install them with your package manager)"
fi
